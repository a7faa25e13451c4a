/**
 * Jinja's lexer, ported from jinja2/lexer.py (Jinja 3.1, which every
 * supported Airflow pins) for the default delimiters and the options Airflow
 * uses (no line statements, trim_blocks and lstrip_blocks off). It keeps each
 * token's offsets in the original text, so that pipegen can rewrite date
 * placeholders where they stand. With `placeholders`, `${NAME}` inside a tag
 * is one token instead of a syntax error.
 *
 * Why a port rather than a library: nunjucks and @huggingface/jinja, the
 * JavaScript Jinja implementations on npm, disagreed with Jinja itself on 16
 * and 15 of 64 templates typical of Airflow SQL and keys (slices, `x.0`,
 * adjacent strings, `*args`, `{% do %}`, `{% with %}`, hex literals, unknown
 * filters), in both directions; test/jinja.test.ts holds this port to
 * Jinja's verdicts.
 */

export type TokenType =
  | "data"
  | "raw"
  | "comment"
  | "variable_begin"
  | "variable_end"
  | "block_begin"
  | "block_end"
  | "name"
  | "string"
  | "integer"
  | "float"
  | "operator"
  | "placeholder"
  | "eof";

export interface Token {
  readonly type: TokenType;
  /** The token's text; for a string, its decoded value; for an operator, the operator. */
  readonly value: string;
  /** Offsets of the token in the source. */
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

/** A Jinja syntax error, at a line of the template (1-based). */
export class JinjaSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const WHITESPACE = /\s+/y;
const FLOAT = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const INTEGER = /(?:0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*)/iy;
// jinja2._identifier: \w plus the combining marks Python allows in identifiers.
const NAME = /[\p{L}\p{N}\p{M}\p{Pc}\u00b7\u0387\u1369-\u1371\u19da\u2118\u212e\u309b\u309c]+/uy;
const STRING = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
const OPERATOR = /\/\/|\*\*|==|!=|>=|<=|[+\-/*%~[\](){}><=.:|,;]/y;
const PLACEHOLDER = /\$\{(?:YYYY|MM|DD|HH|DATE|DATE_NODASH|params\.[a-z][a-z0-9_]*)\}/y;

/** Where data ends: the first raw block, `{%`, `{{` or `{#`, each with an optional `-` or `+`. */
const ROOT =
  /(?<raw_begin>\{%(?<raw_sign>-|\+|)\s*raw\s*(?:-%\}\s*|%\}))|(?<variable_begin>\{\{(?<variable_sign>-|\+|))|(?<comment_begin>\{#(?<comment_sign>-|\+|))|(?<block_begin>\{%(?<block_sign>-|\+|))/g;
const COMMENT_END = /(?:\+#\}|-#\}\s*|#\})/g;
const RAW_END = /\{%(?:-|\+|)\s*endraw\s*(?:\+%\}|-%\}\s*|%\})/g;
const BLOCK_END = /(?:\+%\}|-%\}\s*|%\})/y;
const VARIABLE_END = /-\}\}\s*|\}\}/y;

const CLOSING: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/**
 * Tokenizes a template like Jinja's lexer, then decodes string literals and
 * numbers as its token stream does (which is where bad escapes fail).
 */
export function tokenize(source: string, options: { placeholders?: boolean } = {}): Token[] {
  const tokens: Token[] = [];
  const lineAt = lineCounter(source);
  const push = (type: TokenType, value: string, start: number, end: number) =>
    tokens.push({ type, value, start, end, line: lineAt(start) });
  let pos = 0;
  while (pos < source.length) {
    ROOT.lastIndex = pos;
    const m = ROOT.exec(source);
    if (!m) {
      push("data", source.slice(pos), pos, source.length);
      break;
    }
    if (m.index > pos) push("data", source.slice(pos, m.index), pos, m.index);
    const g = m.groups!;
    const begin = m.index;
    pos = begin + m[0].length;
    if (g.raw_begin !== undefined) {
      RAW_END.lastIndex = pos;
      const end = RAW_END.exec(source);
      if (!end) throw new JinjaSyntaxError("Missing end of raw directive", lineAt(begin));
      push("raw", source.slice(pos, end.index), pos, end.index);
      pos = end.index + end[0].length;
    } else if (g.comment_begin !== undefined) {
      COMMENT_END.lastIndex = pos;
      const end = COMMENT_END.exec(source);
      if (!end) throw new JinjaSyntaxError("Missing end of comment tag", lineAt(begin));
      push("comment", source.slice(pos, end.index), pos, end.index);
      pos = end.index + end[0].length;
    } else {
      const variable = g.variable_begin !== undefined;
      push(variable ? "variable_begin" : "block_begin", m[0], begin, pos);
      pos = tag(source, pos, variable, push, lineAt, options.placeholders ?? false);
    }
  }
  const last = tokens.at(-1);
  tokens.push({ type: "eof", value: "", start: source.length, end: source.length, line: last ? last.line : 1 });
  return tokens;
}

/** The tokens of one `{{ ... }}` or `{% ... %}`; returns the offset after its end. */
function tag(
  source: string,
  from: number,
  variable: boolean,
  push: (type: TokenType, value: string, start: number, end: number) => void,
  lineAt: (offset: number) => number,
  placeholders: boolean,
): number {
  const balancing: string[] = [];
  const end = variable ? VARIABLE_END : BLOCK_END;
  let pos = from;
  for (;;) {
    if (balancing.length === 0) {
      end.lastIndex = pos;
      const m = end.exec(source);
      if (m) {
        push(variable ? "variable_end" : "block_end", m[0], pos, pos + m[0].length);
        return pos + m[0].length;
      }
    }
    const matched = matchAt(source, pos, placeholders);
    if (!matched) {
      if (pos >= source.length) return pos;
      throw new JinjaSyntaxError(`unexpected char ${pyRepr(source[pos]!)} at ${pos}`, lineAt(pos));
    }
    const [type, text] = matched;
    if (type === "operator") {
      if (text in CLOSING) balancing.push(CLOSING[text]!);
      else if (text === ")" || text === "]" || text === "}") {
        const expected = balancing.pop();
        if (expected === undefined) throw new JinjaSyntaxError(`unexpected '${text}'`, lineAt(pos));
        if (expected !== text) throw new JinjaSyntaxError(`unexpected '${text}', expected '${expected}'`, lineAt(pos));
      }
    }
    if (type !== "whitespace") push(type, decode(type, text, lineAt(pos)), pos, pos + text.length);
    pos += text.length;
  }
}

function matchAt(source: string, pos: number, placeholders: boolean): [TokenType | "whitespace", string] | undefined {
  const rules: Array<[RegExp, TokenType | "whitespace"]> = [
    [WHITESPACE, "whitespace"],
    [FLOAT, "float"],
    [INTEGER, "integer"],
    [NAME, "name"],
    [STRING, "string"],
    [OPERATOR, "operator"],
  ];
  if (placeholders) rules.unshift([PLACEHOLDER, "placeholder"]);
  for (const [re, type] of rules) {
    re.lastIndex = pos;
    const m = re.exec(source);
    if (m && m[0].length > 0) return [type, m[0]];
  }
  return undefined;
}

/** What Jinja's token stream makes of the text: strings are unescaped, names must be identifiers. */
function decode(type: TokenType, text: string, line: number): string {
  if (type === "string") return pyUnescape(text.slice(1, -1).replace(/\r\n?/g, "\n"), line);
  if (type === "name" && !/^[\p{XID_Start}_][\p{XID_Continue}]*$/u.test(text))
    throw new JinjaSyntaxError("Invalid character in identifier", line);
  return text;
}

/**
 * Python's "unicode-escape" decoding of a string literal's body (Jinja
 * encodes it with backslashreplace first, so non-ASCII text is kept).
 * Malformed \x, \u, \U and \N escapes are errors; unknown ones stay as written.
 */
function pyUnescape(body: string, line: number): string {
  const simple: Record<string, string> = {
    "\n": "",
    "\\": "\\",
    "'": "'",
    '"': '"',
    a: "\x07",
    b: "\b",
    f: "\f",
    n: "\n",
    r: "\r",
    t: "\t",
    v: "\v",
  };
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) throw new JinjaSyntaxError("\\ at end of string", line);
    if (next in simple) {
      out += simple[next];
      i++;
    } else if (/[0-7]/.test(next)) {
      const digits = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCharCode(Number.parseInt(digits, 8));
      i += digits.length;
    } else if (next === "x" || next === "u" || next === "U") {
      const width = next === "x" ? 2 : next === "u" ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex))
        throw new JinjaSyntaxError(`truncated \\${next}${"X".repeat(width)} escape`, line);
      const point = Number.parseInt(hex, 16);
      if (point > 0x10ffff) throw new JinjaSyntaxError("illegal Unicode character", line);
      out += String.fromCodePoint(point);
      i += 1 + width;
    } else if (next === "N") {
      const named = /^\{[^}]+\}/.exec(body.slice(i + 2));
      if (!named) throw new JinjaSyntaxError("malformed \\N character escape", line);
      // The character's name is not checked here: Jinja would refuse an unknown one.
      out += "\ufffd";
      i += 1 + named[0].length;
    } else out += c;
  }
  return out;
}

function lineCounter(source: string): (offset: number) => number {
  const starts = [0];
  for (const m of source.matchAll(/\r\n|\r|\n/g)) starts.push(m.index + m[0].length);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Python's repr of a one-character string, as Jinja's messages show it. */
function pyRepr(c: string): string {
  return c === "'" ? `"'"` : `'${c === "\\" ? "\\\\" : c}'`;
}
