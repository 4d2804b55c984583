// Preloaded into a child (`node --import`): prints the process's peak RSS on exit, for memory tests.
process.on('exit', () => {
  process.stderr.write(`\nMAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
