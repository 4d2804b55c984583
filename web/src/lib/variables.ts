// What the editor and preview show about a template's variables: the names the server's renderer
// extracted, each with its default, and the snippet references (`@@@name@@@`) the text holds.
// Pure: unit-tested without a browser.

export interface VariableRow {
  name: string;
  /** The version's default, as the text a user types ("" when there is none). */
  defaultText: string;
  hasDefault: boolean;
  /** Added by the unsaved edit (not in the saved version's variables). */
  isNew: boolean;
}

export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Rows in the order the template reads them, then defaults that no longer have a use are dropped. */
export function variableRows(
  extracted: readonly string[],
  defaults: Record<string, unknown>,
  saved: readonly string[] = extracted,
): VariableRow[] {
  const seen = new Set<string>();
  const rows: VariableRow[] = [];
  for (const name of extracted) {
    if (seen.has(name)) continue;
    seen.add(name);
    const has = Object.prototype.hasOwnProperty.call(defaults, name);
    rows.push({
      name,
      defaultText: has ? valueText(defaults[name]) : '',
      hasDefault: has,
      isNew: !saved.includes(name),
    });
  }
  return rows;
}

/** The variables object sent to the renderer: typed text, parsed as JSON where it is JSON (numbers, lists). */
export function variablesFromInputs(inputs: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, text] of Object.entries(inputs)) {
    const t = text.trim();
    if (/^(?:[[{]|-?\d|true$|false$|null$)/.test(t)) {
      try {
        out[k] = JSON.parse(t);
        continue;
      } catch {
        // not JSON: the text itself
      }
    }
    out[k] = text;
  }
  return out;
}

/** Snippet names referenced as `@@@name@@@`, `@@@name@label:x@@@` or `@@@name@version_number:n@@@`. */
export function snippetRefs(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/@@@([^@]+?)(?:@(?:version_number|label):[^@]+?)?@@@/g)) out.add(m[1]!);
  return [...out];
}

/** The 0-based offset of a 1-based line/column in a text (clamped to the text). */
export function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + Math.max(0, column - 1));
}
