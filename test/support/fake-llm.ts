// A local OpenAI-compatible LLM for tests: POST /chat/completions (under any base path), JSON or
// SSE, answering deterministically from the request (the last user message echoed, a tool call
// when tools are offered and tool_choice names one, JSON when response_format asks). It fails on
// demand, per model, from a script: an HTTP status (with Retry-After), a delay before answering
// (timeouts), slow streams, or a stream that breaks off. Every request is recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Step =
  | 'ok'
  | {
      status?: number;
      /** Retry-After header value (seconds) with a failure. */
      retryAfter?: string;
      /** Wait before answering at all, ms. */
      delayMs?: number;
      /** Wait between stream chunks, ms. */
      chunkDelayMs?: number;
      /** Destroy the connection after this many stream chunks. */
      breakAfterChunks?: number;
      /** Send an SSE `{"error": …}` event after this many chunks, then end. */
      errorAfterChunks?: number;
      /** Message of a failure answer. */
      message?: string;
    };

export interface Recorded {
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, any>;
  at: number;
  /** The connection closed before the answer was complete (the gateway aborted the call). */
  aborted: boolean;
}

export interface FakeLlm {
  url: string;
  requests: Recorded[];
  /** Steps for a model, consumed in order; once used up, the model answers 'ok'. */
  script(model: string, steps: Step[]): void;
  /** A step for every request of a model, until cleared. */
  always(model: string, step: Step | null): void;
  reset(): void;
  close(): Promise<void>;
}

const words = (s: string) => s.split(/(?<= )/);

function lastUser(body: Record<string, any>): string {
  const msgs: any[] = Array.isArray(body.messages) ? body.messages : [];
  const m = [...msgs].reverse().find((x) => x.role === 'user') ?? msgs.at(-1);
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((p: any) => p.text ?? '').join('');
  return '';
}

function answerOf(body: Record<string, any>) {
  const tc = body.tool_choice;
  const toolName =
    Array.isArray(body.tools) && body.tools.length
      ? typeof tc === 'object' && tc?.function?.name
        ? tc.function.name
        : tc === 'required'
          ? body.tools[0].function.name
          : null
      : null;
  if (toolName) {
    return {
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: toolName, arguments: JSON.stringify({ q: lastUser(body) }) },
        },
      ],
      finish: 'tool_calls',
    };
  }
  const rf = body.response_format;
  if (rf?.type === 'json_schema' || rf?.type === 'json_object')
    return { content: JSON.stringify({ echo: lastUser(body) }), tool_calls: null, finish: 'stop' };
  return { content: `echo: ${lastUser(body)}`, tool_calls: null, finish: 'stop' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeLlm(): Promise<FakeLlm> {
  const scripts = new Map<string, Step[]>();
  const always = new Map<string, Step>();
  const requests: Recorded[] = [];
  let n = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, any> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad json"}}');
      return;
    }
    const rec: Recorded = { url: req.url ?? '', headers: req.headers, body, at: Date.now(), aborted: false };
    requests.push(rec);
    res.once('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });
    if (!req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"no such route"}}');
      return;
    }
    const model = String(body.model ?? '');
    const queue = scripts.get(model);
    const step: Step = (queue && queue.length ? queue.shift() : always.get(model)) ?? 'ok';
    const s = step === 'ok' ? {} : step;
    if (s.delayMs) await sleep(s.delayMs);
    if (res.destroyed) return;
    if (s.status && s.status >= 400) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (s.retryAfter !== undefined) headers['retry-after'] = s.retryAfter;
      res.writeHead(s.status, headers).end(
        JSON.stringify({
          error: { message: s.message ?? `fake failure ${s.status}`, type: 'fake_error', code: null },
        }),
      );
      return;
    }
    const id = `chatcmpl-fake-${++n}`;
    const created = Math.floor(Date.now() / 1000);
    const a = answerOf(body);
    const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
      const base = { id, object: 'chat.completion.chunk', created, model };
      const deltas: Record<string, unknown>[] = [{ role: 'assistant', content: '' }];
      if (a.tool_calls) {
        const t = a.tool_calls[0]!;
        deltas.push({
          tool_calls: [
            { index: 0, id: t.id, type: 'function', function: { name: t.function.name, arguments: '' } },
          ],
        });
        deltas.push({ tool_calls: [{ index: 0, function: { arguments: t.function.arguments } }] });
      } else for (const w of words(a.content!)) deltas.push({ content: w });
      let i = 0;
      for (const delta of deltas) {
        if (res.destroyed) return;
        if (s.breakAfterChunks !== undefined && i >= s.breakAfterChunks) {
          res.socket?.destroy();
          return;
        }
        if (s.errorAfterChunks !== undefined && i >= s.errorAfterChunks) {
          send({ error: { message: 'fake mid-stream failure', type: 'server_error' } });
          res.end();
          return;
        }
        send({ ...base, choices: [{ index: 0, delta, finish_reason: null }] });
        i++;
        if (s.chunkDelayMs) await sleep(s.chunkDelayMs);
      }
      send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: a.finish }] });
      if (body.stream_options?.include_usage) send({ ...base, choices: [], usage });
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: a.content,
              ...(a.tool_calls ? { tool_calls: a.tool_calls } : {}),
            },
            finish_reason: a.finish,
          },
        ],
        usage,
      }),
    );
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (model, steps) => scripts.set(model, [...steps]),
    always: (model, step) => (step ? always.set(model, step) : always.delete(model)),
    reset() {
      scripts.clear();
      always.clear();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
