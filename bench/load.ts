// One autocannon run, in a process of its own (so the load generator never shares an event loop
// with the server). Input: a JSON LoadSpec as argv[2]. Output: one JSON line with the result.
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  connections: number;
  duration: number;
  method: 'GET' | 'POST' | 'PATCH';
  /** Paths to cycle through (round-robin over all connections). */
  paths: string[];
  body?: unknown;
  headers?: Record<string, string>;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  let i = 0;
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.duration,
    method: spec.method,
    headers: { ...(spec.headers ?? {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body,
    requests: [
      {
        setupRequest: (req) => {
          req.path = spec.paths[i++ % spec.paths.length]!;
          return req;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

// With a spec in argv: one run. Without: a worker reading one spec per stdin line (no start-up
// cost per run), answering one result per line.
if (process.argv[2]) {
  process.stdout.write(JSON.stringify(await run(JSON.parse(process.argv[2]) as LoadSpec)) + '\n');
} else {
  const { createInterface } = await import('node:readline');
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    process.stdout.write(JSON.stringify(await run(JSON.parse(line) as LoadSpec)) + '\n');
  }
}
