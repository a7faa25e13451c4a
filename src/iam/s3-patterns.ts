/**
 * S3 keys in specs are templates: `${DATE}`-style and `${params.<name>}` placeholders and raw Jinja
 * resolve only when the task runs. In IAM they become `*`, and everything
 * written literally is escaped so that IAM reads it literally: `*`, `?` and
 * `$` have meanings in ARN patterns, StringLike values and policy variables
 * (`${*}`, `${?}` and `${$}` are IAM's escapes for them).
 */
import { PLACEHOLDER_NAMES } from "../spec/placeholders.js";

type Token = { readonly literal: string } | { readonly template: string };

const TEMPLATE = new RegExp(
  `\\$\\{(?:${PLACEHOLDER_NAMES.join("|")}|params\\.[a-z][a-z0-9_]*)\\}|\\{\\{[\\s\\S]*?\\}\\}|\\{%[\\s\\S]*?%\\}`,
  "g",
);

/** Splits templated text into literal runs and run-time templates. */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(TEMPLATE)) {
    if (m.index > last) out.push({ literal: text.slice(last, m.index) });
    out.push({ template: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ literal: text.slice(last) });
  return out;
}

/** Escapes a literal for IAM: `*` → `${*}`, `?` → `${?}`, `$` → `${$}`. */
export function iamLiteral(text: string): string {
  return text.replace(/[$*?]/g, (c) => `\${${c}}`);
}

/** The IAM pattern of templated text: literals escaped, each template `*`. */
export function templatePattern(text: string): string {
  return collapseStars(
    tokens(text)
      .map((t) => ("literal" in t ? iamLiteral(t.literal) : "*"))
      .join(""),
  );
}

/**
 * The prefix S3KeySensor lists for a wildcard key: the key up to its first
 * `[`, `*` or `?` (`re.split(r"[\[*?]", key, 1)[0]` in the Amazon provider's
 * sensors/s3.py, 9.0.0 and 9.34.0), as an IAM pattern. Wildcards inside
 * run-time templates are not looked for: dates hold none.
 */
export function wildcardListingPrefix(key: string): string {
  return templatePattern(listingPrefixText(key));
}

/** The listing prefix as the spec writes it, templates kept (for explanations). */
export function listingPrefixText(key: string): string {
  let out = "";
  for (const t of tokens(key)) {
    if ("template" in t) {
      out += t.template;
      continue;
    }
    const cut = t.literal.search(/[[*?]/);
    if (cut >= 0) return out + t.literal.slice(0, cut);
    out += t.literal;
  }
  return out;
}

/** True when the IAM pattern holds a real wildcard (not an escaped `${*}` or `${?}`). */
export function hasWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern.replace(/\$\{[*?$]\}/g, ""));
}

function collapseStars(pattern: string): string {
  // Adjacent templates (`${YYYY}${MM}`) would give `**`; one `*` means the same.
  return pattern.replace(/(?<!\$\{)\*{2,}/g, "*");
}
