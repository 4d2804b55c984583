// The HTTP-stack baseline: a bare Fastify server (no auth, no database, no cache) answering the same
// route patterns with the same bytes Lectern gave for the same paths. argv[2]: a JSON file of
// {port, routes: [{method, url}], answers: {"METHOD path": {body, contentType}}}.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

interface Spec {
  port: number;
  routes: { method: 'GET' | 'POST'; url: string }[];
  answers: Record<string, { body: string; contentType: string }>;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Spec;
const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 } });
for (const r of spec.routes) {
  app.route({
    method: r.method,
    url: r.url,
    handler: async (req, reply) => {
      const a = spec.answers[`${req.method} ${req.url}`];
      if (!a) return reply.code(404).send({ error: 'no answer recorded' });
      return reply.header('content-type', a.contentType).send(a.body);
    },
  });
}
// A normal exit on SIGTERM, so `--cpu-prof` writes its profile (the bench stops servers with it).
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
await app.listen({ port: spec.port, host: '127.0.0.1' });
process.stdout.write('ready\n');
