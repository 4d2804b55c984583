// `npx tsx bench/gateway-clients.ts [calls]`: CPU per streamed call to the bench upstream
// (bench/gateway-upstream.mjs, started here) for the ways the gateway could call a provider — the
// `openai` SDK as upstream.ts used it until wave 4, the SDK with `redirect: 'error'` (fetch then
// does not clone the request), the SDK over undici 7's own `fetch`, and `undici.request` (what
// upstream.ts uses now). 8 calls at a time; CPU of this process (process.cpuUsage) per call; 3
// rounds, so a loaded machine shows its spread. The decision this backs: docs/performance.md.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { Agent, request, fetch as undiciFetch } from 'undici';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.argv[2] ?? 1500);
const C = 8;

const up = spawn(process.execPath, ['bench/gateway-upstream.mjs', '0'], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve) =>
  up.stdout!.once('data', (d: Buffer) =>
    resolve((JSON.parse(d.toString().split('\n')[0]!) as { port: number }).port),
  ),
);
const base = `http://127.0.0.1:${port}/v1`;
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }], stream: true };
const sdk = (extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ baseURL: base, apiKey: 'sk-bench', maxRetries: 0, timeout: 86_400_000, ...extra });
const viaSdk = (c: OpenAI) => async () => {
  const res = await c.chat.completions
    .create(body as never, {
      signal: AbortSignal.any([new AbortController().signal, new AbortController().signal]),
    })
    .asResponse();
  const r = res.body!.getReader();
  for (;;) if ((await r.read()).done) break;
};
const agent = new Agent({ keepAliveTimeout: 30_000 });
const viaRequest = async () => {
  const res = await request(`${base}/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    signal: new AbortController().signal,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: JSON.stringify(body),
  });
  for await (const _ of res.body) void _;
};
const variants: [string, () => Promise<void>][] = [
  ['openai SDK (fetch)', viaSdk(sdk())],
  ["SDK, redirect: 'error'", viaSdk(sdk({ fetchOptions: { redirect: 'error' } }))],
  [
    'SDK over undici 7 fetch',
    viaSdk(sdk({ fetch: undiciFetch as never, fetchOptions: { redirect: 'error' } as never })),
  ],
  ['undici.request', viaRequest],
];
try {
  for (let round = 1; round <= 3; round++) {
    for (const [name, call] of variants) {
      for (let i = 0; i < 100; i++) await call();
      const c0 = process.cpuUsage();
      let left = N;
      await Promise.all(
        Array.from({ length: C }, async () => {
          while (left-- > 0) await call();
        }),
      );
      const c = process.cpuUsage(c0);
      process.stdout.write(
        `round ${round}  ${name.padEnd(24)} ${((c.user + c.system) / N).toFixed(0).padStart(5)} µs CPU per call  (load ${loadavg()[0]!.toFixed(1)})\n`,
      );
    }
  }
} finally {
  up.kill();
  await agent.close();
}
