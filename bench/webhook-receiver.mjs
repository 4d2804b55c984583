// A webhook receiver in a process of its own (bench/webhooks-cpu.ts), so its work never shares an
// event loop or a CPU account with Lectern or the load generator. POST anything: 204. GET /count:
// how many POSTs arrived. Prints its port on stdout.
import { createServer } from 'node:http';

let count = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(String(count));
    return;
  }
  req.resume();
  req.on('end', () => {
    count++;
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
