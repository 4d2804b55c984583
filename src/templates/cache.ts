/**
 * Parsed-template cache: an LRU keyed by (format, template), so rendering one version many times
 * parses each of its templates once. Counters make that observable in tests and metrics.
 */
import { LRUCache } from 'lru-cache';

const cache = new LRUCache<string, object>({
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
  const key = `${format}\u0000${template}`;
  const found = cache.get(key);
  if (found) {
    hits++;
    return found as T;
  }
  parses++;
  // Failed parses throw here and are not cached; the error is cheap to recompute.
  const parsed = parseTemplate(template);
  cache.set(key, parsed);
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

export function clearTemplateCache(): void {
  cache.clear();
  parses = 0;
  hits = 0;
}
