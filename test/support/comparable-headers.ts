// Two answers' headers side by side (an answer before Fastify against Fastify's own): everything
// but what differs between any two answers, in one order.

/** Headers that differ between any two answers (per request, or set by the socket). */
const PER_REQUEST = new Set(['date', 'x-request-id', 'connection', 'keep-alive', 'transfer-encoding']);

export const comparable = (h: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(h)
      .filter(([k]) => !PER_REQUEST.has(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
