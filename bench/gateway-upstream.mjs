// The bench's LLM: a bare node:http server answering POST …/chat/completions with fixed bytes —
// one chat.completion, or (stream: true) 8 chat.completion.chunk events and [DONE]. Both the
// direct baseline and the gateway call this same process.
//   node bench/gateway-upstream.mjs [port] [tokenDelayMs]
// tokenDelayMs 0 (default): the whole stream written at once — the figure is then CPU only.
// tokenDelayMs > 0: the role chunk at once, then one event every tokenDelayMs, as an LLM streams
// tokens over time (the first byte comes at once in both, so time to first byte stays comparable).
import { createServer } from 'node:http';

const DELAY = Number(process.argv[3] ?? 0);

const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'a fixed answer for the bench' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
});
const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const words = ['a ', 'fixed ', 'answer ', 'for ', 'the ', 'bench'];
const stream = [
  chunk({ role: 'assistant', content: '' }),
  ...words.map((w) => chunk({ content: w })),
  chunk({}, 'stop'),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 } })}\n\n`,
];

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const isStream = Buffer.concat(parts).includes('"stream":true');
    if (!isStream) {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(completion),
      });
      res.end(completion);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (!DELAY) {
      for (const c of stream) res.write(c);
      res.end('data: [DONE]\n\n');
      return;
    }
    let i = 0;
    res.write(stream[i++]);
    const t = setInterval(() => {
      if (res.destroyed) return clearInterval(t);
      if (i < stream.length) return void res.write(stream[i++]);
      clearInterval(t);
      res.end('data: [DONE]\n\n');
    }, DELAY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
