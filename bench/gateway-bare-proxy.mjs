// The least a gateway does, as a baseline for the gateway bench's instant load: a bare node:http
// server that forwards each POST's body to the upstream over an undici keep-alive pool (the client
// Lectern's gateway uses) and pipes the answer back. No auth, no prompt, no render, no log: what
// any Node proxy pays for the second HTTP hop, so the gateway's figure can be read against it.
//   node bench/gateway-bare-proxy.mjs <upstream origin>
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.argv[2], { connections: 128, pipelining: 1 });

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', async () => {
    try {
      const up = await upstream.request({
        method: 'POST',
        path: req.url,
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat(parts),
      });
      res.writeHead(up.statusCode, { 'content-type': up.headers['content-type'] ?? 'application/json' });
      for await (const chunk of up.body) res.write(chunk);
      res.end();
    } catch (err) {
      res.writeHead(502).end(String(err));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
