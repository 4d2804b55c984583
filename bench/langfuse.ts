// Scenario (a) for the Langfuse route: GET /api/public/v2/prompts/{name}?label=production, what the
// Langfuse SDKs call on a cache miss, against bare Fastify serving the same bytes. The load sends
// the key as Bearer like the other (a) rows: Basic public:secret resolves through the same cached
// key look-up (the pair check is one string comparison), so the row measures the route itself.
export function langfuseFetchByLabel(names: string[], connections: number) {
  return {
    id: 'a.langfuse',
    title: '(a) fetch by label — Langfuse get prompt',
    method: 'GET' as const,
    route: '/api/public/v2/prompts/:name',
    paths: names.map((n) => `/api/public/v2/prompts/${encodeURIComponent(n)}?label=production`),
    connections,
    baseline: 'fastify' as const,
    target: { rps: 0.8, p99: 2 },
  };
}
