// The start-up baseline: bare Fastify on embedded PGlite, nothing else — open (or initdb) the data
// directory, run one query, answer GET /healthz. Plain JavaScript, so no compile step is measured.
// Env: PORT, LECTERN_DATA_DIR.
import Fastify from 'fastify';
import { PGlite } from '@electric-sql/pglite';

const db = await PGlite.create(process.env.LECTERN_DATA_DIR);
await db.query('select 1');
const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
const stop = () =>
  app
    .close()
    .then(() => db.close())
    .then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
