/**
 * Placeholders in templated strings. A spec writes
 * `products/year=${YYYY}/month=${MM}/day=${DD}/` and the renderer turns each
 * date placeholder into a Jinja expression that Airflow resolves at run time
 * from the run's data interval, never at parse time; `${params.<name>}`
 * becomes the run parameter `params.<name>`, read at run time too.
 */
import { type Token, tokenize } from "../jinja/lexer.js";

/** Placeholder name → strftime format of the run's partition date. */
export const PLACEHOLDERS = {
  YYYY: "%Y",
  MM: "%m",
  DD: "%d",
  HH: "%H",
  DATE: "%Y-%m-%d",
  DATE_NODASH: "%Y%m%d",
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS) as PlaceholderName[];

/** `${params.<name>}`: a run parameter's value, read at run time. */
export const PARAM_PLACEHOLDER = /\$\{params\.([a-z][a-z0-9_]*)\}/;

/**
 * Anything written as a placeholder, known or not (`${DAY}`, `${params.x}`):
 * where pipegen expands none, such text would stay as written.
 */
export const ANY_PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_.]*\}/;

const PLACEHOLDER_PATTERN = /\$\{(YYYY|MM|DD|HH|DATE|DATE_NODASH|params\.[a-z][a-z0-9_]*)\}/g;

/** True when the text uses at least one placeholder (a date or a param). */
function hasPlaceholders(text: string): boolean {
  return new RegExp(PLACEHOLDER_PATTERN.source).test(text);
}

/**
 * Replaces placeholders with Jinja that formats `dateExpression`, a Jinja
 * expression for the partition date that suits the target Airflow version,
 * so that each renders the date wherever it stands:
 * - in text, as `{{ <date>.strftime('%Y') }}`;
 * - inside a Jinja expression or statement, as the expression itself, and
 *   inside a string literal there, by splitting the literal around it:
 *   `macros.ds_add("${DATE}", 1)` passes the date, not the text `{{ ... }}`;
 * - inside `{% raw %}`, by closing the raw block around the expression;
 * - inside a `{# comment #}`, not at all.
 */
export function expandPlaceholders(text: string, dateExpression: string): string {
  if (!hasPlaceholders(text)) return text;
  const format = (name: string) =>
    name.startsWith("params.") ? name : `${dateExpression}.strftime('${PLACEHOLDERS[name as PlaceholderName]}')`;
  const inText = (s: string, wrap: (expr: string) => string) =>
    s.replace(new RegExp(PLACEHOLDER_PATTERN.source, "g"), (_, name: string) => wrap(format(name)));
  let tokens: Token[];
  try {
    tokens = tokenize(text, { placeholders: true });
  } catch {
    // Not valid Jinja (validation refuses it): expand as text.
    return inText(text, (expr) => `{{ ${expr} }}`);
  }
  let out = "";
  let pos = 0;
  for (const t of tokens) {
    out += text.slice(pos, t.start);
    const source = text.slice(t.start, t.end);
    if (t.type === "data") out += inText(source, (expr) => `{{ ${expr} }}`);
    else if (t.type === "raw") out += inText(source, (expr) => `{% endraw %}{{ ${expr} }}{% raw %}`);
    else if (t.type === "placeholder") out += format(source.slice(2, -1));
    else if (t.type === "string" && hasPlaceholders(source)) out += splitString(source, format);
    else out += source;
    pos = t.end;
  }
  return out + text.slice(pos);
}

/** A Jinja string literal with placeholders as a concatenation: `("day=" ~ <date> ~ "/")`. */
function splitString(literal: string, format: (name: string) => string): string {
  const quote = literal[0]!;
  const parts: string[] = [];
  let last = 1;
  for (const m of literal.slice(0, -1).matchAll(new RegExp(PLACEHOLDER_PATTERN.source, "g"))) {
    if (m.index > last) parts.push(`${quote}${literal.slice(last, m.index)}${quote}`);
    parts.push(format(m[1]!));
    last = m.index + m[0].length;
  }
  if (literal.length - 1 > last) parts.push(`${quote}${literal.slice(last, -1)}${quote}`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(" ~ ")})`;
}
