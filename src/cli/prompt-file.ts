// The `.prompt` file: one Dotprompt-compatible file per prompt (YAML front matter + template body).
// Pure: text <-> PromptDoc, no I/O. Dotprompt's own keys carry what maps onto them exactly (model,
// config, input.default, output, description); everything else Lectern has rides under dotted
// `lectern.` keys, which Dotprompt keeps as extension fields, so Genkit/Dotprompt tooling still reads
// the files. Writing is deterministic — fixed key order, LF, literal block scalars, no line folding
// — so a review diff shows only what changed.
//
// Choices (docs/compatibility.md, "Prompts as code"):
// - The body holds chat messages as `{{role "x"}}` marker lines (Dotprompt's syntax; `assistant` is
//   written as Dotprompt's `model`). Lectern splits on the markers before templating, so jinja2 and
//   f-string bodies work too. Messages the body cannot express exactly (non-string content, extra
//   keys, a `\r`, a line that looks like a marker, a literal `model` role) go whole into
//   `lectern.messages` and the body stays empty: never a lossy file.
// - A completion template with a single text block is the body; any other content list goes into
//   `lectern.content`.
// - `provider` is `lectern.provider`, not a `provider/` prefix on `model`: model names contain `/`.
// - Snippet references are Dotprompt partials in the body (partials.ts). Dotprompt inserts a partial
//   file whole, so a snippet whose version is nothing but mustache text is a bare partial file, and
//   any other snippet has its front matter inside a Handlebars comment (`{{!-- --- … --- --}}`).
// - `input.schema` (Picoschema or JSON Schema) has no field of its own in Lectern: it is kept in
//   the version's metadata under `_dotprompt.input_schema` (as each dialect keeps its extras), which
//   every API gives back as is and no render reads.
import { parse, stringify } from 'yaml';
import { contentHash } from '../model/content-hash.ts';
import { defaultContent } from '../model/version-content.ts';
import type { Json, JsonObject, LoadBalanceModel, Message, VersionContent } from '../model/types.ts';
import { PartialSyntaxError, hasPartialSyntax, partialsOfTags, tagsOfPartials } from './partials.ts';

/** A prompt as a file holds it: the prompt's own fields and its version content. */
export interface PromptDoc {
  name: string;
  description: string | null;
  tags: string[];
  isSnippet: boolean;
  content: VersionContent;
}

export class PromptFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

const MARKER = /^\{\{role "([^"\n]*)"\}\}$/;
const EXT = 'lectern.';
/** Where `input.schema` lives in a version's metadata. */
export const DOTPROMPT_KEY = '_dotprompt';
const INPUT_SCHEMA = 'input_schema';

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const empty = (v: unknown) =>
  v === null ||
  v === undefined ||
  (isObj(v) && Object.keys(v).length === 0) ||
  (Array.isArray(v) && !v.length);

/** `support/triage` <-> `support/triage.prompt`; snippets are `support/_policies.prompt`. */
export function fileNameOf(name: string, isSnippet: boolean): string {
  if (!isSnippet) return `${name}.prompt`;
  const i = name.lastIndexOf('/');
  return `${name.slice(0, i + 1)}_${name.slice(i + 1)}.prompt`;
}

export function nameOfFile(rel: string): { name: string; isSnippet: boolean } {
  const path = rel.replace(/\\/g, '/').replace(/\.prompt$/, '');
  const i = path.lastIndexOf('/');
  const base = path.slice(i + 1);
  if (base.startsWith('_') && base.length > 1)
    return { name: path.slice(0, i + 1) + base.slice(1), isSnippet: true };
  return { name: path, isSnippet: false };
}

/** Whether every message can be written as a marker section and read back identically. */
function bodyExpressible(messages: Message[]): boolean {
  return messages.every(
    (m) =>
      Object.keys(m).every((k) => k === 'role' || k === 'content') &&
      typeof m.content === 'string' &&
      m.role !== 'model' &&
      !/["\n\r]/.test(m.role) &&
      !m.content.includes('\r') &&
      !m.content.split('\n').some((l) => MARKER.test(l)),
  );
}

const singleText = (content: Json[] | null): string | null => {
  if (!content || content.length !== 1) return null;
  const b = content[0];
  if (!isObj(b) || Object.keys(b).length !== 2 || b.type !== 'text' || typeof b.text !== 'string')
    return null;
  return b.text.includes('\r') ? null : b.text;
};

/** `response_format` as Dotprompt's `output` when it is exactly a JSON schema (or JSON object) ask. */
function outputOf(rf: JsonObject | null): { output: JsonObject; extra: JsonObject | null } | null {
  if (!rf) return null;
  if (rf.type === 'json_object' && Object.keys(rf).length === 1)
    return { output: { format: 'json' }, extra: null };
  if (rf.type !== 'json_schema' || Object.keys(rf).some((k) => k !== 'type' && k !== 'json_schema'))
    return null;
  const js = rf.json_schema;
  if (!isObj(js) || !isObj(js.schema)) return null;
  const { schema, ...rest } = js;
  return { output: { format: 'json', schema }, extra: Object.keys(rest).length ? rest : null };
}

/** `metadata` split into Dotprompt's `input.schema` (if it holds one) and the rest. */
function splitInputSchema(metadata: JsonObject): { schema?: Json; rest: JsonObject } {
  const dp = metadata[DOTPROMPT_KEY];
  if (!isObj(dp) || !(INPUT_SCHEMA in dp)) return { rest: metadata };
  const { [INPUT_SCHEMA]: schema, ...dpRest } = dp;
  const { [DOTPROMPT_KEY]: _dp, ...rest } = metadata;
  return { schema, rest: Object.keys(dpRest).length ? { ...rest, [DOTPROMPT_KEY]: dpRest } : rest };
}

/**
 * A snippet that is nothing but mustache text (and has no description or tags): written as a bare
 * partial file, which Dotprompt inserts as it is. The commit message is not content and is left out.
 */
function plainSnippetText(doc: PromptDoc): string | null {
  const c = doc.content;
  if (!doc.isSnippet || doc.description !== null || doc.tags.length || c.templateType !== 'completion')
    return null;
  const text = !c.content || !c.content.length ? '' : singleText(c.content);
  if (text === null || /^(?:---|\{\{!--\r?\n---)/.test(text) || hasPartialSyntax(text)) return null;
  const plain = { ...defaultContent('mustache'), templateType: 'completion' as const, content: c.content };
  return contentHash(plain) === contentHash(c) ? text : null;
}

/** The file text of a prompt. Same input, same bytes. */
export function writePromptFile(doc: PromptDoc): string {
  const plain = plainSnippetText(doc);
  if (plain !== null) return plain === '' && !doc.content.content?.length ? '' : `${partialsOfTags(plain)}\n`;

  const c = doc.content;
  const fm: Record<string, unknown> = {};
  if (doc.description !== null) fm.description = doc.description;
  if (c.model !== null) fm.model = c.model;
  if (!empty(c.params)) fm.config = c.params;
  const { schema, rest: metadata } = splitInputSchema(c.metadata);
  if (schema !== undefined || !empty(c.variableDefaults))
    fm.input = {
      ...(schema !== undefined ? { schema } : {}),
      ...(!empty(c.variableDefaults) ? { default: c.variableDefaults } : {}),
    };
  const out = outputOf(c.responseFormat);
  if (out) fm.output = out.output;

  const ext: [string, unknown][] = [
    ['type', c.templateType],
    ['templateFormat', c.templateFormat],
  ];
  const put = (k: string, v: unknown) => {
    if (!empty(v)) ext.push([k, v]);
  };
  put('provider', c.provider);
  put('tags', doc.tags);
  if (out?.extra) ext.push(['output', out.extra]);
  if (!out) put('responseFormat', c.responseFormat);
  put('jsonSchema', c.jsonSchema);
  put('tools', c.tools);
  if (c.toolChoice !== null) ext.push(['toolChoice', c.toolChoice]);
  put('functions', c.functions);
  if (c.functionCall !== null) ext.push(['functionCall', c.functionCall]);
  put('fallbackModels', c.fallbackModels);
  put('loadBalanceModels', c.loadBalanceModels);
  put('metadata', metadata);
  // An empty list/object that differs from the default (null) must survive: write it explicitly.
  for (const [k, v] of [
    ['tools', c.tools],
    ['functions', c.functions],
    ['fallbackModels', c.fallbackModels],
    ['loadBalanceModels', c.loadBalanceModels],
    ['responseFormat', out ? null : c.responseFormat],
    ['jsonSchema', c.jsonSchema],
  ] as const)
    if (v !== null && empty(v)) ext.push([k, v]);

  let body = '';
  // Snippet tags become partials unless a body text already holds partial syntax of its own.
  const asBody = (texts: string[]) =>
    texts.some(hasPartialSyntax)
      ? { texts, verbatim: true }
      : { texts: texts.map(partialsOfTags), verbatim: false };
  let verbatim = false;
  if (c.templateType === 'chat') {
    const b = bodyExpressible(c.messages) ? asBody(c.messages.map((m) => m.content as string)) : null;
    const messages = b && c.messages.map((m, i) => ({ role: m.role, content: b.texts[i]! }));
    if (b && messages && bodyExpressible(messages)) {
      verbatim = b.verbatim;
      body = messages
        .map((m) => `{{role "${m.role === 'assistant' ? 'model' : m.role}"}}\n${m.content}\n`)
        .join('');
    } else ext.push(['messages', c.messages]);
  } else {
    const text = singleText(c.content);
    if (text !== null) {
      const b = asBody([text]);
      verbatim = b.verbatim;
      body = `${b.texts[0]!}\n`;
    } else ext.push(['content', c.content ?? []]);
  }
  if (verbatim) ext.push(['partials', false]);
  if (c.commitMessage !== null) ext.push(['commitMessage', c.commitMessage]);
  for (const [k, v] of ext) fm[EXT + k] = v;

  const yaml = stringify(fm, { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false });
  // Dotprompt inserts a partial file whole: a snippet's front matter goes inside a Handlebars
  // comment, which renders as nothing (unless the YAML itself would close the comment).
  if (doc.isSnippet && !yaml.includes('--}}')) return `{{!--\n---\n${yaml}---\n--}}\n${body}`;
  return `---\n${yaml}---\n${body}`;
}

/** A snippet file's front matter inside a Handlebars comment, as `writePromptFile` puts it. */
const COMMENTED = /^\{\{!--\r?\n(---\r?\n(?:[\s\S]*?\r?\n)?---)[ \t]*\r?\n--\}\}[ \t]*(?:\r?\n|$)([\s\S]*)$/;

const str = (file: string, key: string, v: unknown): string => {
  if (typeof v !== 'string') throw new PromptFileError(file, `${key} must be a string`);
  return v;
};
const objOrNull = (file: string, key: string, v: unknown): JsonObject | null => {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw new PromptFileError(file, `${key} must be a mapping`);
  return v;
};
const arrOrNull = (file: string, key: string, v: unknown): Json[] | null => {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw new PromptFileError(file, `${key} must be a list`);
  return v as Json[];
};

const KNOWN = new Set(['description', 'model', 'config', 'input', 'output']);
const KNOWN_EXT = new Set([
  'type',
  'templateFormat',
  'provider',
  'tags',
  'output',
  'responseFormat',
  'jsonSchema',
  'tools',
  'toolChoice',
  'functions',
  'functionCall',
  'fallbackModels',
  'loadBalanceModels',
  'metadata',
  'messages',
  'content',
  'partials',
  'commitMessage',
]);

/** Reads a file's text; `rel` is its path below the prompts directory (the prompt's name). */
export function parsePromptFile(rel: string, text: string): PromptDoc {
  const { name, isSnippet } = nameOfFile(rel);
  if (isSnippet) {
    const c = COMMENTED.exec(text);
    if (c) text = `${c[1]}\n${c[2]}`;
    else if (!text.startsWith('---')) return plainSnippet(rel, name, text);
  }
  const m = /^---\r?\n((?:[\s\S]*?\r?\n)?)---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  if (!m) throw new PromptFileError(rel, 'no front matter: the file must start with a line `---`');
  let fm: unknown;
  try {
    fm = parse(m[1]!, { uniqueKeys: true }) ?? {};
  } catch (e) {
    throw new PromptFileError(rel, `front matter is not valid YAML: ${(e as Error).message}`);
  }
  if (!isObj(fm)) throw new PromptFileError(rel, 'front matter must be a YAML mapping');
  const ext: JsonObject = {};
  for (const [k, v] of Object.entries(fm)) {
    if (k.startsWith(EXT)) {
      const key = k.slice(EXT.length);
      if (!KNOWN_EXT.has(key)) throw new PromptFileError(rel, `unknown key ${k}`);
      ext[key] = v;
    } else if (!KNOWN.has(k)) {
      // Dotprompt keys Lectern has no field for (name, variant, tools by name, …) are refused
      // rather than silently dropped on the next pull.
      throw new PromptFileError(
        rel,
        `key ${k} is not supported; Lectern reads ${[...KNOWN].join(', ')} and lectern.*`,
      );
    }
  }
  const body = m[2]!.replace(/\r\n/g, '\n');
  const type = ext.type ?? 'chat';
  if (type !== 'chat' && type !== 'completion')
    throw new PromptFileError(rel, 'lectern.type must be chat or completion');
  const format = ext.templateFormat ?? 'mustache';
  if (format !== 'mustache' && format !== 'jinja2' && format !== 'f-string')
    throw new PromptFileError(rel, 'lectern.templateFormat must be mustache, jinja2 or f-string');

  const c = defaultContent(format);
  c.templateType = type;
  if (fm.model !== undefined && fm.model !== null) c.model = str(rel, 'model', fm.model);
  c.params = objOrNull(rel, 'config', fm.config) ?? {};
  const input = objOrNull(rel, 'input', fm.input);
  c.variableDefaults = objOrNull(rel, 'input.default', input?.default) ?? {};
  for (const k of Object.keys(input ?? {}))
    if (k !== 'default' && k !== 'schema')
      throw new PromptFileError(
        rel,
        `input.${k} is not supported; Lectern reads input.schema and input.default`,
      );
  if (ext.provider !== undefined && ext.provider !== null)
    c.provider = str(rel, 'lectern.provider', ext.provider);

  const output = objOrNull(rel, 'output', fm.output);
  if (output) {
    if (output.format !== 'json') throw new PromptFileError(rel, 'output.format must be json');
    c.responseFormat = isObj(output.schema)
      ? {
          type: 'json_schema',
          json_schema: { ...(objOrNull(rel, 'lectern.output', ext.output) ?? {}), schema: output.schema },
        }
      : { type: 'json_object' };
  } else c.responseFormat = objOrNull(rel, 'lectern.responseFormat', ext.responseFormat);
  c.jsonSchema = objOrNull(rel, 'lectern.jsonSchema', ext.jsonSchema);
  c.tools = arrOrNull(rel, 'lectern.tools', ext.tools);
  c.toolChoice = (ext.toolChoice ?? null) as Json;
  c.functions = arrOrNull(rel, 'lectern.functions', ext.functions);
  c.functionCall = (ext.functionCall ?? null) as Json;
  const fb = arrOrNull(rel, 'lectern.fallbackModels', ext.fallbackModels);
  if (fb && !fb.every((x) => typeof x === 'string'))
    throw new PromptFileError(rel, 'lectern.fallbackModels must be a list of model names');
  c.fallbackModels = fb as string[] | null;
  c.loadBalanceModels = arrOrNull(rel, 'lectern.loadBalanceModels', ext.loadBalanceModels) as
    LoadBalanceModel[] | null;
  c.metadata = objOrNull(rel, 'lectern.metadata', ext.metadata) ?? {};
  if (input && 'schema' in input) c.metadata = withInputSchema(rel, c.metadata, input.schema as Json);
  if (ext.commitMessage !== undefined && ext.commitMessage !== null)
    c.commitMessage = str(rel, 'lectern.commitMessage', ext.commitMessage);

  if (ext.partials !== undefined && ext.partials !== false)
    throw new PromptFileError(
      rel,
      "lectern.partials can only be false (the body's {{> …}} are literal text)",
    );
  const fromBody = (t: string) => {
    if (ext.partials === false) return t;
    try {
      return tagsOfPartials(t);
    } catch (e) {
      if (e instanceof PartialSyntaxError) throw new PromptFileError(rel, e.message);
      throw e;
    }
  };
  if (type === 'chat') {
    if (ext.messages !== undefined) {
      if (body.trim())
        throw new PromptFileError(rel, 'lectern.messages and a template body cannot both be given');
      const ms = arrOrNull(rel, 'lectern.messages', ext.messages) ?? [];
      if (!ms.every((x) => isObj(x) && typeof x.role === 'string'))
        throw new PromptFileError(rel, 'every entry of lectern.messages needs a role');
      c.messages = ms as Message[];
    } else
      c.messages = splitMessages(rel, body).map((msg) => ({
        ...msg,
        content: fromBody(msg.content as string),
      }));
  } else if (ext.content !== undefined) {
    if (body.trim())
      throw new PromptFileError(rel, 'lectern.content and a template body cannot both be given');
    c.content = arrOrNull(rel, 'lectern.content', ext.content) ?? [];
  } else c.content = body === '' ? [] : [{ type: 'text', text: fromBody(body.replace(/\n$/, '')) }];

  const tags = arrOrNull(rel, 'lectern.tags', ext.tags) ?? [];
  if (!tags.every((t) => typeof t === 'string'))
    throw new PromptFileError(rel, 'lectern.tags must be strings');
  const description =
    fm.description === undefined || fm.description === null ? null : str(rel, 'description', fm.description);
  return { name, description, tags: tags as string[], isSnippet, content: c };
}

/** `input.schema` into the version's metadata (`_dotprompt.input_schema`). */
function withInputSchema(rel: string, metadata: JsonObject, schema: Json): JsonObject {
  const dp = metadata[DOTPROMPT_KEY];
  if (dp !== undefined && !isObj(dp))
    throw new PromptFileError(
      rel,
      `lectern.metadata.${DOTPROMPT_KEY} must be a mapping when input.schema is given`,
    );
  if (dp && INPUT_SCHEMA in dp)
    throw new PromptFileError(
      rel,
      `input.schema and lectern.metadata.${DOTPROMPT_KEY}.${INPUT_SCHEMA} cannot both be given`,
    );
  return { ...metadata, [DOTPROMPT_KEY]: { ...(dp ?? {}), [INPUT_SCHEMA]: schema } };
}

/** A snippet file without front matter: a Dotprompt partial, i.e. mustache completion text. */
function plainSnippet(rel: string, name: string, text: string): PromptDoc {
  const body = text.replace(/\r\n/g, '\n');
  const c = defaultContent('mustache');
  c.templateType = 'completion';
  let t: string;
  try {
    t = tagsOfPartials(body.replace(/\n$/, ''));
  } catch (e) {
    if (e instanceof PartialSyntaxError) throw new PromptFileError(rel, e.message);
    throw e;
  }
  c.content = body === '' ? [] : [{ type: 'text', text: t }];
  return { name, description: null, tags: [], isSnippet: true, content: c };
}

/** The body's `{{role "x"}}` sections as messages; text before the first marker is a system message. */
function splitMessages(rel: string, body: string): Message[] {
  if (body === '') return [];
  const lines = body.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: Message[] = [];
  let cur: { role: string; lines: string[] } | null = null;
  for (const line of lines) {
    const mk = MARKER.exec(line);
    if (mk) {
      if (cur) out.push({ role: cur.role, content: cur.lines.join('\n') });
      cur = { role: mk[1] === 'model' ? 'assistant' : mk[1]!, lines: [] };
    } else {
      // Dotprompt reads text before any marker as a user turn; Lectern files always start with a
      // marker, so a hand-written file without one is taken as Dotprompt would.
      cur ??= { role: 'user', lines: [] };
      cur.lines.push(line);
    }
  }
  if (cur) out.push({ role: cur.role, content: cur.lines.join('\n') });
  if (!out.length) throw new PromptFileError(rel, 'the body has no messages');
  return out;
}

/** The content hash of a parsed file (the same function the server uses). */
export const docHash = (doc: PromptDoc): string => contentHash(doc.content);
