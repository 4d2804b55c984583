// Background load for the "logging must not change the fetch-by-label figures" scenario: posts
// request-log records to a Lectern at a steady rate (a production-like logging rate, not a flood)
// until killed. Args: JSON {url, key, perSecond}.
const { url, key, perSecond } = JSON.parse(process.argv[2]!) as {
  url: string;
  key: string;
  perSecond: number;
};

const body = JSON.stringify({
  model: 'gpt-4o',
  provider: 'openai',
  input_tokens: 120,
  output_tokens: 40,
  latency_ms: 850,
  metadata: { bench: true },
  request: { messages: [{ role: 'user', content: 'Hello, tell me about engines in one line.' }] },
  response: { choices: [{ message: { role: 'assistant', content: 'Engines turn fuel into motion.' } }] },
});

let sent = 0;
let failed = 0;
const tick = 1000 / perSecond;
const start = Date.now();
async function loop(): Promise<never> {
  for (;;) {
    const due = start + sent * tick;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sent++;
    fetch(`${url}/v1/request-logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    }).then(
      async (r) => {
        if (r.status !== 202) failed++;
        await r.arrayBuffer();
      },
      () => failed++,
    );
  }
}
process.on('SIGTERM', () => {
  process.stderr.write(`[request-log-load] sent ${sent}, failed ${failed}\n`);
  process.exit(0);
});
void loop();
