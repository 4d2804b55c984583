// Render-thread entry when Lectern runs from its TypeScript sources (tests, tsx): the worker's
// bundle arrives as a data: URL in workerData (see workerEntry in render-pool.ts), so no code is
// read from a file anyone else could have written. The production build loads
// dist/cli/render-worker.js instead and never uses this file.
import { workerData } from 'node:worker_threads';

const worker = await import(workerData.url);
export default worker.default;
