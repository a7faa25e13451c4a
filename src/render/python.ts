/**
 * Emits spec values as Python literals. This is the only way a value from a
 * spec reaches generated Python: strings are quoted and escaped, never
 * spliced. The layout follows `ruff format` (88 columns, magic trailing
 * commas), so generated files are already formatted.
 */
import { eastAsianWidth } from "get-east-asian-width";

/** Python code written by pipegen itself (never from a spec), such as `timedelta(minutes=5)`. */
export class PyCode {
  /**
   * @param code the expression
   * @param imports import statements it needs, e.g. `from datetime import timedelta`
   */
  constructor(
    readonly code: string,
    readonly imports: readonly string[] = [],
  ) {}
}

/**
 * A call written by pipegen, `callee(arg, ..., name=value)`, whose arguments
 * may come from a spec: laid out as `ruff format` would when it is too long
 * for its line.
 */
export class PyCall extends PyCode {
  constructor(
    readonly callee: string,
    readonly args: readonly PyValue[],
    readonly kwargs: ReadonlyArray<readonly [name: string, value: PyValue]>,
    imports: readonly string[] = [],
  ) {
    super(
      `${callee}(${[...args.map(pyInline), ...kwargs.map(([k, v]) => `${k}=${pyInline(v)}`)].join(", ")})`,
      imports,
    );
  }
}

export type PyValue =
  | string
  | number
  | boolean
  | null
  | PyCode
  | readonly PyValue[]
  | { readonly [key: string]: PyValue };

/** ruff's default line length. */
export const LINE_LENGTH = 88;

const ASCII = /^[\x20-\x7e]*$/;
const COMBINING = /^[\p{Mn}\p{Me}]$/u;

/**
 * The columns ruff counts for text (the `unicode-width` crate): two for an
 * East Asian wide or fullwidth character, none for a combining mark, one
 * for anything else. A line of CJK text is twice as wide as it is long, so
 * `length` would leave it unwrapped where ruff wraps it.
 */
export function textWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let width = 0;
  for (const char of text)
    width += COMBINING.test(char) ? 0 : eastAsianWidth(char.codePointAt(0)!, { ambiguousAsWide: false });
  return width;
}
const INDENT = "    ";

/**
 * Formats a value as a Python expression.
 * @param column the column the expression starts at (for line-fitting)
 * @param indent the indentation of the line it starts on
 * @param trailer text that follows the expression on its last line, e.g. `,`
 */
export function pyLiteral(value: PyValue, column = 0, indent = "", trailer = ""): string {
  const inline = pyInline(value);
  if (column + textWidth(inline) + textWidth(trailer) <= LINE_LENGTH) return inline;
  const inner = indent + INDENT;
  if (value instanceof PyCall) return pyCallLines(value, indent, inner);
  if (!isContainer(value) || isEmpty(value)) return inline;
  const items = Array.isArray(value)
    ? value.map((v) => inner + pyLiteral(v, inner.length, inner, ","))
    : Object.entries(value as Record<string, PyValue>).map(([k, v]) => {
        const key = `${pyString(k)}: `;
        return inner + key + pyLiteral(v, inner.length + textWidth(key), inner, ",");
      });
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${items.map((line) => `${line},`).join("\n")}\n${indent}${close}`;
}

/**
 * A call that does not fit its line: the arguments on one line of their own
 * when they fit there, else one argument a line with a trailing comma.
 */
function pyCallLines(call: PyCall, indent: string, inner: string): string {
  const all = [...call.args.map((v) => ["", v] as const), ...call.kwargs.map(([k, v]) => [`${k}=`, v] as const)];
  if (all.length === 0) return call.code;
  const hugged = all.map(([k, v]) => `${k}${pyInline(v)}`).join(", ");
  if (inner.length + textWidth(hugged) <= LINE_LENGTH) return `${call.callee}(\n${inner}${hugged}\n${indent})`;
  const lines = all.map(([k, v]) => `${inner}${k}${pyLiteral(v, inner.length + k.length, inner, ",")},`);
  return `${call.callee}(\n${lines.join("\n")}\n${indent})`;
}

/** A value on one line, whatever its length. */
export function pyInline(value: PyValue): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return pyNumber(value);
  if (typeof value === "string") return pyString(value);
  if (value instanceof PyCode) return value.code;
  if (Array.isArray(value)) return `[${value.map(pyInline).join(", ")}]`;
  return `{${Object.entries(value as Record<string, PyValue>)
    .map(([k, v]) => `${pyString(k)}: ${pyInline(v)}`)
    .join(", ")}}`;
}

function isContainer(value: PyValue): value is readonly PyValue[] | { readonly [key: string]: PyValue } {
  return value !== null && typeof value === "object" && !(value instanceof PyCode);
}

function isEmpty(value: PyValue): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value as object).length === 0;
}

function pyNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot emit ${n} as a Python literal`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return Object.is(n, -0) ? "0" : n.toFixed(0);
  return String(n).replace("e+", "e");
}

/**
 * A Python string literal. Quotes follow ruff's preference (double quotes
 * unless that means more escapes); anything not printable is escaped, so the
 * literal is plain, readable and round-trips exactly (lone surrogates included).
 */
export function pyString(text: string): string {
  // Most spec strings are plain printable ASCII: nothing to escape.
  if (PLAIN_ASCII.test(text)) return `"${text}"`;
  const doubles = countOf(text, '"');
  const quote = doubles > countOf(text, "'") ? "'" : '"';
  return `${quote}${escaped(text, quote)}${quote}`;
}

/**
 * Spec-derived text for a `#` comment, escaped as in a string literal
 * (backslashes, line breaks, control and invisible characters), so that it
 * reads as written and can never end the comment and start code.
 */
export function pyCommentText(text: string): string {
  return escaped(text, undefined);
}

/** The characters of a string literal's body; `quote` is escaped too when given. */
function escaped(text: string, quote: string | undefined): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // Keep surrogate pairs together as one code point.
    const point = text.codePointAt(i)!;
    const char = String.fromCodePoint(point);
    if (point > 0xffff) i++;
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (unit >= 0xd800 && unit <= 0xdfff && point <= 0xffff) out += `\\u${hex(point, 4)}`;
    else if (isPrintable(char)) out += char;
    else if (point <= 0xff) out += `\\x${hex(point, 2)}`;
    else if (point <= 0xffff) out += `\\u${hex(point, 4)}`;
    else out += `\\U${hex(point, 8)}`;
  }
  return out;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function isPrintable(char: string): boolean {
  return char === " " || (char >= "!" && char <= "~") || (char.charCodeAt(0) > 0xa0 && PRINTABLE.test(char));
}

function countOf(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) count++;
  return count;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** `timedelta(...)` code for a whole number of seconds, in the largest unit that divides it. */
export function pyTimedelta(seconds: number): PyCode {
  const units: Array<[string, number]> = [
    ["days", 86400],
    ["hours", 3600],
    ["minutes", 60],
    ["seconds", 1],
  ];
  const [name, size] = units.find(([, size]) => seconds % size === 0)!;
  return new PyCall("timedelta", [], [[name, seconds / size]], ["from datetime import timedelta"]);
}

/** Renders `name=value,` for one keyword argument at a given indentation. */
export function pyKeywordArgument(name: string, value: PyValue, indent: string): string {
  const prefix = `${indent}${name}=`;
  return `${prefix}${pyLiteral(value, prefix.length, indent, ",")},`;
}

/** A Python dict from entries, leaving out those whose value is undefined. */
export function pyDict(entries: ReadonlyArray<readonly [string, PyValue | undefined]>): { [key: string]: PyValue } {
  return Object.fromEntries(entries.filter((e): e is readonly [string, PyValue] => e[1] !== undefined));
}

/** Import statements needed by the code inside a value. */
export function importsOf(value: PyValue | undefined): string[] {
  if (value instanceof PyCall)
    return [...value.imports, ...value.args.flatMap(importsOf), ...value.kwargs.flatMap(([, v]) => importsOf(v))];
  if (value instanceof PyCode) return [...value.imports];
  if (Array.isArray(value)) return value.flatMap(importsOf);
  if (value !== null && typeof value === "object")
    return Object.values(value as Record<string, PyValue>).flatMap(importsOf);
  return [];
}

/**
 * A module docstring. Lines stay lines; backslashes, control characters and
 * any `"""` inside are escaped, and whitespace is normalised the way
 * `ruff format` normalises docstrings (no trailing spaces, no tabs), so the
 * text reads as written and the file is already formatted.
 */
export function pyDocstring(text: string): string {
  const lines = text
    .replaceAll("\t", "    ")
    .split(/\r\n|\n|\r/)
    .map((line) => line.trimEnd());
  let body = lines.join("\n").trim().replaceAll("\\", "\\\\");
  body = body.replace(/[^\x20-\x7e\n]/gu, (char) => (isPrintable(char) ? char : pyString(char).slice(1, -1)));
  body = body.replaceAll('"""', '""\\"');
  // A quote next to the delimiters would read as part of them (ruff format adds a space there).
  if (body.endsWith('"')) body = `${body.slice(0, -1)}\\"`;
  if (body.startsWith('"')) body = `\\${body}`;
  return `"""${body}\n"""`;
}
