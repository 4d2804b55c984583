// Named (server-side prepared) statements for the hot SQL on PostgreSQL. A statement sent unnamed is
// parsed, analysed and planned by the backend every time, and its whole text crosses the wire each
// time; a named one is parsed once per connection and then only bound and executed. The query
// builder gives every statement shape one fixed text with `$n` parameters, so a text seen a few
// times is a shape that recurs (a version write, a prompt lock) and gets a name; one-off texts
// (migrations, bulk inserts of varying width) stay unnamed. Names map 1:1 to texts process-wide, so
// two texts never share a name on one connection (pg refuses that), and the number of names — hence
// of statements each backend keeps — is bounded.
import type pg from 'pg';

export interface NamerLimits {
  /** How many times a text is sent unnamed before it is given a name. */
  after: number;
  /** At most this many named texts: each backend keeps at most this many statements. */
  max: number;
  /** The counts of texts not yet named are forgotten past this many (one-off texts never fill it). */
  counted: number;
}

export const NAMER_LIMITS: NamerLimits = { after: 3, max: 200, counted: 2000 };

/** Gives a statement text its name once it has recurred (undefined: send it unnamed). */
export function statementNamer(limits: NamerLimits = NAMER_LIMITS): (text: string) => string | undefined {
  const named = new Map<string, string>();
  const seen = new Map<string, number>();
  return (text) => {
    const name = named.get(text);
    if (name !== undefined || named.size >= limits.max) return name;
    const n = (seen.get(text) ?? 0) + 1;
    if (n < limits.after) {
      if (seen.size >= limits.counted) seen.clear();
      seen.set(text, n);
      return undefined;
    }
    seen.delete(text);
    const fresh = `lectern_${named.size}`;
    named.set(text, fresh);
    return fresh;
  };
}

/** One namer per process: a name means one text on every connection of every pool. */
const statementName = statementNamer();

/** pg's Client (or a subclass), naming recurring parameterised statements as above. */
export function namedStatements(base: typeof pg.Client): typeof pg.Client {
  class NamedStatementClient extends base {
    override query(config: any, values?: any, callback?: any): any {
      // Only parameterised statements: they go through the extended protocol anyway, where a name
      // costs nothing; `begin`/`commit` stay one simple-protocol message.
      if (
        config &&
        typeof config === 'object' &&
        typeof config.submit !== 'function' &&
        typeof config.text === 'string' &&
        config.name === undefined &&
        Array.isArray(config.values ?? values) &&
        (config.values ?? values).length > 0
      ) {
        const name = statementName(config.text);
        if (name !== undefined) config = { ...config, name };
      }
      return (super.query as any)(config, values, callback);
    }
  }
  return NamedStatementClient as unknown as typeof pg.Client;
}
