// How a worker thread's code is bundled when Lectern runs from its TypeScript sources (tests, tsx):
// in memory, handed to the thread as a data: URL, so no code is ever read from a file another user
// could have written (issue 11 item 6). The built server loads its threads from dist/cli instead.
// Shared by the render threads (server/render-pool.ts) and the PGlite thread (pglite-thread.ts).
import type { BuildOptions } from 'esbuild';

/** esbuild options bundling `entry` for a thread, written nowhere. */
export function inMemoryBundle(entry: string) {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  } satisfies BuildOptions;
}

/** A bundle's code as the data: URL its thread's loader imports. */
export function asDataUrl(code: Uint8Array): string {
  return `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
}
