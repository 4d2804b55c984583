// A local OpenAI-compatible HTTP server playing the LLM provider in tests: `/chat/completions`
// (with or without a `/v1` prefix) answers a chat.completion, or an SSE stream of chunks when the
// request asks to stream. It can fail on demand (`failNext(status, n)`: 429 with Retry-After, 500,
// …) and be slow (`delayMs`), and it records every request body it got.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpstream {
  /** Base URL including `/v1` (what OPENAI_BASE_URL holds). */
  url: string;
  requests: { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[];
  /** The next `n` calls answer `status` with an OpenAI error body. */
  failNext(status: number, n?: number): void;
  /** Milliseconds to wait before answering (and between stream chunks). */
  delayMs: number;
  /** The assistant's answer text. */
  answer: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeOpenAi(): Promise<FakeUpstream> {
  const failures: number[] = [];
  const state: FakeUpstream = {
    url: '',
    requests: [],
    delayMs: 0,
    answer: 'mock answer',
    failNext(status, n = 1) {
      for (let i = 0; i < n; i++) failures.push(status);
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      void (async () => {
        let body: Record<string, unknown> = {};
        try {
          body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        } catch {
          /* recorded as {} */
        }
        const path = (req.url ?? '/').split('?')[0]!;
        state.requests.push({ path, headers: req.headers, body });
        if (state.delayMs) await sleep(state.delayMs);
        const fail = failures.shift();
        if (fail !== undefined) {
          res.writeHead(fail, {
            'content-type': 'application/json',
            ...(fail === 429 ? { 'retry-after': '0' } : {}),
          });
          res.end(
            JSON.stringify({
              error: { message: `upstream failed with ${fail}`, type: 'server_error', code: null },
            }),
          );
          return;
        }
        if (!/\/chat\/completions$/.test(path)) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
          return;
        }
        const model = typeof body['model'] === 'string' ? body['model'] : 'unknown';
        const id = `chatcmpl-${state.requests.length}`;
        const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
        if (body['stream'] === true) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          const chunk = (delta: object, finish: string | null, extra: object = {}) =>
            `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
          res.write(chunk({ role: 'assistant', content: '' }, null));
          for (const word of state.answer.split(/(?<= )/)) {
            if (state.delayMs) await sleep(state.delayMs);
            res.write(chunk({ content: word }, null));
          }
          res.write(chunk({}, 'stop'));
          res.write(
            `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`,
          );
          res.end('data: [DONE]\n\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id,
            object: 'chat.completion',
            created: 1,
            model,
            choices: [
              { index: 0, message: { role: 'assistant', content: state.answer }, finish_reason: 'stop' },
            ],
            usage,
          }),
        );
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return state;
}

/**
 * Points the provider SDK that `pl.run()` creates (it reads OPENAI_BASE_URL / OPENAI_API_KEY) at
 * `url`; the answer puts the environment back as it was.
 */
export function pointOpenAiEnvAt(url: string, key: string): () => void {
  const was = { url: process.env.OPENAI_BASE_URL, key: process.env.OPENAI_API_KEY };
  process.env.OPENAI_BASE_URL = url;
  process.env.OPENAI_API_KEY = key;
  return () => {
    if (was.url === undefined) delete process.env.OPENAI_BASE_URL;
    else process.env.OPENAI_BASE_URL = was.url;
    if (was.key === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = was.key;
  };
}
