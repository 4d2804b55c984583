/**
 * Parsed-template cache: an LRU keyed by (format, template), so rendering one version many times
 * parses each of its templates once. Counters make that observable in tests and metrics.
 */
import { LRUCache } from 'lru-cache';

// Keyed by the template text itself, each entry holding its parse per format: a key built as
// `format + text` is a new string at every look-up, hashed over its whole length each time, where
// a stored version's text is one string whose hash V8 keeps (a render looks it up per request).
const cache = new LRUCache<string, Record<string, object>>({
  max: 2000,
  // Bound memory by template text as well as by count: templates can be long.
  maxSize: 32 * 1024 * 1024,
  sizeCalculation: (_value, key) => Math.max(1, key.length),
});

let parses = 0;
let hits = 0;

export function cachedParse<T extends object>(
  format: string,
  template: string,
  parseTemplate: (template: string) => T,
): T {
  let entry = cache.get(template);
  const found = entry?.[format];
  if (found) {
    hits++;
    return found as T;
  }
  parses++;
  // Failed parses throw here and are not cached; the error is cheap to recompute.
  const parsed = parseTemplate(template);
  if (!entry) cache.set(template, (entry = Object.create(null) as Record<string, object>));
  entry[format] = parsed;
  return parsed;
}

export interface TemplateCacheStats {
  /** Number of times a template was actually parsed. */
  parses: number;
  /** Number of lookups served from the cache. */
  hits: number;
  /** Entries currently cached. */
  size: number;
}

export function templateCacheStats(): TemplateCacheStats {
  return { parses, hits, size: cache.size };
}

let generation = 0;

/** Bumped by clearTemplateCache: whatever holds parses of its own (version plans) drops them too. */
export const templateCacheGeneration = (): number => generation;

export function clearTemplateCache(): void {
  generation++;
  cache.clear();
  parses = 0;
  hits = 0;
}
