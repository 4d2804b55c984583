/**
 * Where a Jinja2 syntax error is. `@huggingface/jinja` tokenizes and parses without positions, so
 * on a syntax error (only then: the happy path stays the library's) we re-tokenise the same
 * source with offsets and find the token the parser stopped at.
 *
 * `lexWithOffsets` is a transcription of the library's `tokenize` (MIT, huggingface/jinja
 * src/lexer.ts, v0.5.x) that also records where each token starts and where a lexing error
 * happens. `jinja-positions.test.ts` checks that it yields exactly the library's tokens on the
 * whole template corpus, so a library upgrade that changes lexing is noticed.
 */
import { parse, tokenize } from '@huggingface/jinja';

type LibToken = ReturnType<typeof tokenize>[number];

export interface LocatedToken {
  value: string;
  type: string;
  /** 0-based offset of the token's first character in the lexed source. */
  offset: number;
}

/** A lexing failure at a known offset. */
export class JinjaLexError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** True when the source ended inside a token (an unterminated string or escape). */
    readonly atEnd = false,
  ) {
    super(message);
  }
}

/** An edit made to the source before lexing: `[outStart, outEnd)` replaced `[inStart, inEnd)`. */
export interface SourceEdit {
  outStart: number;
  outEnd: number;
  inStart: number;
  inEnd: number;
}

/** Maps an offset in edited text back to the text before the edits (edits sorted, disjoint). */
export function mapBack(offset: number, edits: readonly SourceEdit[]): number {
  let delta = 0;
  for (const e of edits) {
    if (offset < e.outStart) break;
    if (offset < e.outEnd) return e.inStart;
    delta = e.inEnd - e.outEnd;
  }
  return offset + delta;
}

const MAPPING: [string, string][] = [
  ['{%', 'OpenStatement'],
  ['%}', 'CloseStatement'],
  ['{{', 'OpenExpression'],
  ['}}', 'CloseExpression'],
  ['(', 'OpenParen'],
  [')', 'CloseParen'],
  ['{', 'OpenCurlyBracket'],
  ['}', 'CloseCurlyBracket'],
  ['[', 'OpenSquareBracket'],
  [']', 'CloseSquareBracket'],
  [',', 'Comma'],
  ['.', 'Dot'],
  [':', 'Colon'],
  ['|', 'Pipe'],
  ['<=', 'ComparisonBinaryOperator'],
  ['>=', 'ComparisonBinaryOperator'],
  ['==', 'ComparisonBinaryOperator'],
  ['!=', 'ComparisonBinaryOperator'],
  ['<', 'ComparisonBinaryOperator'],
  ['>', 'ComparisonBinaryOperator'],
  ['+', 'AdditiveBinaryOperator'],
  ['-', 'AdditiveBinaryOperator'],
  ['~', 'AdditiveBinaryOperator'],
  ['**', 'ExponentiationBinaryOperator'],
  ['*', 'MultiplicativeBinaryOperator'],
  ['//', 'MultiplicativeBinaryOperator'],
  ['/', 'MultiplicativeBinaryOperator'],
  ['%', 'MultiplicativeBinaryOperator'],
  ['=', 'Equals'],
];
const ESCAPES = new Map([
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
  ['b', '\b'],
  ['f', '\f'],
  ['v', '\v'],
  ["'", "'"],
  ['"', '"'],
  ['\\', '\\'],
]);
// Like the library, these are called with `undefined` past the end (`/\w/.test('undefined')`).
const isWord = (c: string | undefined) => /\w/.test(c as string);
const isInteger = (c: string | undefined) => /[0-9]/.test(c as string);
const isWhitespace = (c: string | undefined) => /\s/.test(c as string);

const GENERATION = /(\s*){%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/gs;

/**
 * `text.replace(pattern, replacer)` that also records each replacement as a SourceEdit, so an
 * offset in the output can be mapped back to the text the user wrote.
 */
export function replaceRecording(
  text: string,
  pattern: RegExp,
  replacer: (match: string, groups: string[]) => string,
): { text: string; edits: SourceEdit[] } {
  const edits: SourceEdit[] = [];
  let shift = 0;
  const out = text.replace(pattern, (match: string, ...rest: unknown[]) => {
    // replace() passes the groups, the offset, the whole string (and named groups, if any).
    const tail = typeof rest[rest.length - 1] === 'object' ? 3 : 2;
    const at = rest[rest.length - tail] as number;
    const groups = rest.slice(0, -tail) as string[];
    const replaced = replacer(match, groups);
    edits.push({
      outStart: at + shift,
      outEnd: at + shift + replaced.length,
      inStart: at,
      inEnd: at + match.length,
    });
    shift += replaced.length - match.length;
    return replaced;
  });
  return { text: out, edits };
}

/** The library's `preprocess` with no options, recording its edits. */
export function preprocess(template: string): { src: string; edits: SourceEdit[] } {
  const base = template.endsWith('\n') ? template.slice(0, -1) : template;
  const { text, edits } = replaceRecording(
    base,
    GENERATION,
    (_match, [before, lstrip, rstrip, after]) => (lstrip ? '' : before!) + (rstrip ? '' : after!),
  );
  return { src: text, edits };
}

/** The library's tokenizer over already-preprocessed source, with offsets. */
export function lexWithOffsets(src: string): LocatedToken[] {
  const tokens: LocatedToken[] = [];
  let cursor = 0;
  let curlyBracketDepth = 0;
  const push = (value: string, type: string, offset: number) => tokens.push({ value, type, offset });
  const consumeWhile = (predicate: (c: string | undefined) => boolean): string => {
    let str = '';
    while (predicate(src[cursor])) {
      if (src[cursor] === '\\') {
        ++cursor;
        if (cursor >= src.length) throw new JinjaLexError('Unexpected end of input', cursor, true);
        const escapedAt = cursor;
        const escaped = src[cursor++]!;
        if (escaped === 'x' || escaped === 'u') {
          const length = escaped === 'x' ? 2 : 4;
          const hex = src.slice(cursor, cursor + length);
          if (hex.length !== length || /[^0-9a-f]/i.test(hex))
            throw new JinjaLexError(`Invalid hexadecimal escape sequence: \\${escaped}${hex}`, escapedAt - 1);
          str += String.fromCharCode(parseInt(hex, 16));
          cursor += length;
          continue;
        }
        const unescaped = ESCAPES.get(escaped);
        if (unescaped === undefined)
          throw new JinjaLexError(`Unexpected escaped character: ${escaped}`, escapedAt - 1);
        str += unescaped;
        continue;
      }
      str += src[cursor++];
      if (cursor >= src.length) throw new JinjaLexError('Unexpected end of input', src.length, true);
    }
    return str;
  };
  const stripTrailingWhitespace = () => {
    const last = tokens.at(-1);
    if (last && last.type === 'Text') {
      last.value = last.value.trimEnd();
      if (last.value === '') tokens.pop();
    }
  };
  const skipLeadingWhitespace = () => {
    while (cursor < src.length && isWhitespace(src[cursor])) ++cursor;
  };

  main: while (cursor < src.length) {
    const lastType = tokens.at(-1)?.type;
    if (
      lastType === undefined ||
      lastType === 'CloseStatement' ||
      lastType === 'CloseExpression' ||
      lastType === 'Comment'
    ) {
      const start = cursor;
      let text = '';
      while (
        cursor < src.length &&
        !(
          src[cursor] === '{' &&
          (src[cursor + 1] === '%' || src[cursor + 1] === '{' || src[cursor + 1] === '#')
        )
      ) {
        text += src[cursor++];
      }
      if (text.length > 0) {
        push(text, 'Text', start);
        continue;
      }
    }
    if (src[cursor] === '{' && src[cursor + 1] === '#') {
      const start = cursor;
      cursor += 2;
      const stripBefore = src[cursor] === '-';
      if (stripBefore) ++cursor;
      let comment = '';
      while (src[cursor] !== '#' || src[cursor + 1] !== '}') {
        if (cursor + 2 >= src.length) throw new JinjaLexError('Missing end of comment tag', start);
        comment += src[cursor++];
      }
      const stripAfter = comment.endsWith('-');
      if (stripAfter) comment = comment.slice(0, -1);
      if (stripBefore) stripTrailingWhitespace();
      push(comment, 'Comment', start);
      cursor += 2;
      if (stripAfter) skipLeadingWhitespace();
      continue;
    }
    if (src.slice(cursor, cursor + 3) === '{%-') {
      stripTrailingWhitespace();
      push('{%', 'OpenStatement', cursor);
      cursor += 3;
      continue;
    }
    if (src.slice(cursor, cursor + 3) === '{{-') {
      stripTrailingWhitespace();
      push('{{', 'OpenExpression', cursor);
      curlyBracketDepth = 0;
      cursor += 3;
      continue;
    }
    consumeWhile(isWhitespace);
    if (src.slice(cursor, cursor + 3) === '-%}') {
      push('%}', 'CloseStatement', cursor);
      cursor += 3;
      skipLeadingWhitespace();
      continue;
    }
    if (src.slice(cursor, cursor + 3) === '-}}') {
      push('}}', 'CloseExpression', cursor);
      cursor += 3;
      skipLeadingWhitespace();
      continue;
    }
    const char = src[cursor]!;
    const start = cursor;
    if (char === '-' || char === '+') {
      const prevType = tokens.at(-1)?.type;
      if (prevType === 'Text' || prevType === undefined)
        throw new JinjaLexError(`Unexpected character: ${char}`, cursor);
      switch (prevType) {
        case 'Identifier':
        case 'NumericLiteral':
        case 'StringLiteral':
        case 'CloseParen':
        case 'CloseSquareBracket':
          break;
        default: {
          ++cursor;
          let num = consumeWhile(isInteger);
          if (num.length > 0 && src[cursor] === '.' && isInteger(src[cursor + 1])) {
            ++cursor;
            num = `${num}.${consumeWhile(isInteger)}`;
          }
          push(`${char}${num}`, num.length > 0 ? 'NumericLiteral' : 'UnaryOperator', start);
          continue;
        }
      }
    }
    for (const [seq, type] of MAPPING) {
      if (seq === '}}' && curlyBracketDepth > 0) continue;
      if (src.slice(cursor, cursor + seq.length) === seq) {
        push(seq, type, start);
        if (type === 'OpenExpression') curlyBracketDepth = 0;
        else if (type === 'OpenCurlyBracket') ++curlyBracketDepth;
        else if (type === 'CloseCurlyBracket') --curlyBracketDepth;
        cursor += seq.length;
        continue main;
      }
    }
    if (char === "'" || char === '"') {
      ++cursor;
      let str: string;
      try {
        str = consumeWhile((c) => c !== char);
      } catch (err) {
        // An unterminated string is best shown where it opens.
        if (err instanceof JinjaLexError && err.atEnd) throw new JinjaLexError(err.message, start, true);
        throw err;
      }
      push(str, 'StringLiteral', start);
      ++cursor;
      continue;
    }
    if (isInteger(char)) {
      let num = consumeWhile(isInteger);
      if (tokens.at(-1)?.type !== 'Dot' && src[cursor] === '.' && isInteger(src[cursor + 1])) {
        ++cursor;
        num = `${num}.${consumeWhile(isInteger)}`;
      }
      push(num, 'NumericLiteral', start);
      continue;
    }
    if (isWord(char)) {
      push(consumeWhile(isWord), 'Identifier', start);
      continue;
    }
    throw new JinjaLexError(`Unexpected character: ${char}`, cursor);
  }
  return tokens;
}

/**
 * The offset, in `template`, of the syntax error the library raised for it, or undefined when it
 * cannot be told (the transcription disagrees with the library).
 */
export function locateSyntaxError(template: string): number | undefined {
  const { src, edits } = preprocess(template);
  let located: LocatedToken[];
  try {
    located = lexWithOffsets(src);
  } catch (err) {
    if (err instanceof JinjaLexError) return mapBack(err.offset, edits);
    return undefined;
  }
  let tokens: LibToken[];
  try {
    tokens = tokenize(template, {});
  } catch {
    return undefined; // the library failed to lex what we lexed: do not guess
  }
  if (tokens.length !== located.length || tokens.some((t, i) => t.type !== located[i]!.type))
    return undefined;
  // The parser only walks forward; the token it read last is the one it choked on.
  let last = -1;
  const watched = new Proxy(tokens, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) last = Number(prop);
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  try {
    parse(watched);
    return undefined;
  } catch {
    // Past the last token (an unclosed block): like Python, point at where the last token starts.
    const token = located[Math.min(last, located.length - 1)];
    const at = token === undefined ? src.length : token.offset;
    return mapBack(at, edits);
  }
}

const SYMBOL_OF_TYPE = new Map(
  MAPPING.filter(([, type]) => !type.endsWith('Operator')).map(([seq, type]) => [type, seq]),
);

/**
 * The library's message with its token-type names shown as the text users wrote:
 * `Unexpected token: CloseExpression` becomes `Unexpected token: '}}'`.
 */
export function readableMessage(message: string): string {
  return message.replace(/\b[A-Z][A-Za-z]+\b/g, (word) => {
    const seq = SYMBOL_OF_TYPE.get(word);
    return seq === undefined ? word : `'${seq}'`;
  });
}
