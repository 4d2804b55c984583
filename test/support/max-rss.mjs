// Preloaded into a child (`node --import`): prints the process's peak RSS and its peak retained heap
// on exit, for memory tests. RSS also counts code, the loader's caches and allocator slack, and
// moves by tens of MB between identical runs; with `--expose-gc` the heap is sampled right after a
// full collection, so it counts only what the process still holds — what a stream that buffers grows.
let peakHeap = 0;
const sample = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
};
setInterval(sample, 25).unref();
process.on('exit', () => {
  sample();
  process.stderr.write(
    `\nMAX_RSS_KB=${process.resourceUsage().maxRSS}\nMAX_HEAP_KB=${Math.round(peakHeap / 1024)}\n`,
  );
});
