// PGlite thread entry when Lectern runs from its TypeScript sources (tests, tsx): the thread's
// bundle arrives as a data: URL in workerData (see workerEntry in pglite-thread.ts), so no code is
// read from a file anyone else could have written. The production build loads
// dist/cli/pglite-worker.js instead and never uses this file.
import { workerData } from 'node:worker_threads';

await import(workerData.url);
