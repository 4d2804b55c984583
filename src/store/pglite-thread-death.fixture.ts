// Run by pglite-thread.test.ts in a process of its own: a store on the PGlite thread whose thread
// dies while a statement is pending, with the default reaction (the process ends non-zero).
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { LecternError } from '../model/errors.ts';
import { openStore, pgliteThreadOf } from './db.ts';

const store = await openStore({
  dataDir: 'memory://',
  pgliteSnapshot: new Blob([await readFile(process.argv[2]!)]),
});
const pending = store.db.execute(sql`select pg_sleep(5)`).catch((e: unknown) => e);
await new Promise((r) => setTimeout(r, 100));
await pgliteThreadOf(store)!.terminate();
const err = (await pending) as { cause?: unknown };
const cause = err.cause instanceof LecternError ? err.cause : err;
console.log(`pending: ${cause instanceof LecternError ? cause.kind : String(err)}`);
// Something else keeps the process alive: it must end by itself, non-zero.
setInterval(() => {}, 1000);
