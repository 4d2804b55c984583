// A real local HTTP receiver for webhook tests. Every request is verified with the
// `standardwebhooks` npm library (the specification's reference implementation, not Lectern's
// code); a test scripts its answers (fail n times, hang, answer 410, …).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: any;
  /** Whether standardwebhooks verified it with the secret given (null: no secret set). */
  verified: boolean | null;
  verifyError?: string;
}

/** What to answer: a status (with headers), or 'hang' (never answer). */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Secrets to verify with (any of them must verify, like a receiver mid-rotation). */
  secrets: string[];
  /** Decides each answer; default 200. */
  answer: (r: Received, n: number) => Answer;
  /** Resolves once `pred` holds over `received` (polls; rejects after `ms`). */
  until(pred: (r: Received[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(secrets: string[] = []): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const rcv: Receiver = {
    url: '',
    port: 0,
    received: [],
    secrets,
    answer: () => ({ status: 200 }),
    async until(pred, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (!pred(rcv.received)) {
        if (Date.now() > deadline) {
          throw new Error(`receiver: condition not met in ${ms} ms; got ${rcv.received.length} requests`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const h = req.headers;
      const r: Received = {
        id: String(h['webhook-id'] ?? ''),
        timestamp: String(h['webhook-timestamp'] ?? ''),
        signature: String(h['webhook-signature'] ?? ''),
        headers: h,
        body,
        json: safeJson(body),
        verified: null,
      };
      if (rcv.secrets.length) {
        r.verified = false;
        for (const s of rcv.secrets) {
          try {
            new Webhook(s).verify(body, {
              'webhook-id': r.id,
              'webhook-timestamp': r.timestamp,
              'webhook-signature': r.signature,
            });
            r.verified = true;
            break;
          } catch (err) {
            r.verifyError = (err as Error).message;
          }
        }
      }
      rcv.received.push(r);
      const a = rcv.answer(r, rcv.received.length);
      if (a === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(a.status, { 'content-type': 'text/plain', ...(a.headers ?? {}) });
      res.end(a.status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rcv.port = (server.address() as { port: number }).port;
  rcv.url = `http://127.0.0.1:${rcv.port}/hook`;
  return rcv;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
