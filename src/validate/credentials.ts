/**
 * The credential gate: a spec is code that lives in git and is copied into
 * DAG files, so it must never carry a secret. This walks every string of the
 * raw spec (and every mapping key, which names what its value is) and reports
 * anything that looks like a credential, without repeating the secret itself.
 *
 * The rules aim at what people actually paste: AWS access keys and secret
 * keys, `password=...` style assignments, SQL `PASSWORD '...'`, connection
 * URIs with a password, private keys, Slack webhook URLs, and a field named like a password that
 * holds a literal. Look-alikes that are fine: ARNs (a secret's ARN is the
 * right way to refer to it), Jinja or placeholder references resolved at run
 * time (`{{ conn.x.password }}`, `${DATE}`), and `PASSWORD DISABLE`.
 */
import type { SpecProblem } from "../problem.js";

const HINT =
  "specs must not carry credentials: store the secret in AWS Secrets Manager and give its ARN (e.g. connections.redshift.secretArn), or keep it in an Airflow connection and give the connection id";

/**
 * Names of fields whose value is a secret when it is a literal: any name with
 * a word such as password, secret or token in it, however the words are
 * joined (db_password, dbPassword, db-password, DB_PASSWORD, x-api-token).
 */
const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "secret",
  "secrets",
  "token",
  "apikey",
  "credential",
  "credentials",
  "privatekey",
]);
/** Two-word names of secrets: api key, private key, signing key. */
const SECRET_PAIRS = new Set(["api key", "private key", "signing key"]);
/** A last word that makes the name refer to a secret, or describe it, rather than hold it. */
const REFERENCE_WORDS = new Set([
  "arn",
  "id",
  "ids",
  "name",
  "ref",
  "conn",
  "connection",
  "param",
  "parameter",
  "path",
  "file",
  "env",
  "var",
  "variable",
  "url",
  "uri",
  "endpoint",
  "type",
  "kind",
  "length",
  "ttl",
  "expiry",
  "expires",
  "expiration",
  "header",
  "field",
  "location",
  "prefix",
  "hash",
  "policy",
  "format",
]);
/** Tokens that are not credentials: pagination and continuation tokens. */
const BENIGN_TOKENS = new Set(["next", "page", "pagination", "continuation", "resume", "sync"]);

const SECRET_WORD_HINT = /pass|pwd|secret|token|key|credential/i;

/** The lowercase words of a name: split at non-alphanumerics, camelCase humps and digits. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0);
}

/** True when a field or assignment of this name holds a secret (unless its value is a reference). */
export function isSecretName(name: string): boolean {
  // Most names hold none of the words: one cheap test clears them.
  if (!SECRET_WORD_HINT.test(name)) return false;
  const w = words(name);
  if (w.length === 0 || REFERENCE_WORDS.has(w.at(-1)!)) return false;
  return w.some(
    (word, i) =>
      (SECRET_WORDS.has(word) && !(word === "token" && i > 0 && BENIGN_TOKENS.has(w[i - 1]!))) ||
      (i > 0 && SECRET_PAIRS.has(`${w[i - 1]} ${word}`)),
  );
}

/**
 * `name=value` or `name: value` inside a larger string, the name optionally
 * quoted (JSON, Python dicts, JDBC and URL parameters, SQL comparisons). A
 * name starts only where a run of name characters starts, so that long
 * strings are scanned in linear time.
 */
const ASSIGNMENT =
  /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]+)\\?["']?\s*[:=]\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s;&,'"}\])]+)/g;

interface ValueRule {
  readonly what: string;
  /** Returns true when the string holds this kind of credential. */
  readonly test: (text: string) => boolean;
}

/**
 * A rule added here must also be let through by valueRuleHit's pre-tests
 * (MAY_HOLD_CREDENTIAL, a URI with user info, BASE64_RUN), or it never runs.
 */
const VALUE_RULES: readonly ValueRule[] = [
  // Long-term (AKIA) and temporary (ASIA) access key ids; ids such as AROA/AIDA are not secrets.
  { what: "an AWS access key id", test: (t) => /(?:^|[^A-Z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?:[^A-Z0-9]|$)/.test(t) },
  { what: "a private key", test: (t) => /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(t) },
  { what: "a connection URI with a password", test: (t) => uriPasswords(t).some(isLiteralSecret) },
  {
    what: "a password or key assignment",
    test: (t) => [...t.matchAll(ASSIGNMENT)].some((m) => isSecretName(m[1]!) && isLiteralSecret(unquote(m[2]!))),
  },
  // SQL: CREATE/ALTER USER ... PASSWORD '...' (PASSWORD DISABLE is fine: no quote follows).
  {
    what: "a SQL password",
    test: (t) => [...t.matchAll(/\bPASSWORD\s+'((?:[^']|'')*)'/gi)].some((m) => isLiteralSecret(m[1]!)),
  },
  { what: "an AWS secret access key", test: (t) => secretKeyCandidates(t).length > 0 },
  // A Slack incoming webhook URL is its own credential: whoever has it can post (notify takes a connection id).
  { what: "a Slack webhook URL", test: (t) => SLACK_WEBHOOK.test(t) },
];

const SLACK_WEBHOOK = /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+/;

/**
 * Each value rule needs one of these words in the text, a URI with user
 * info, or a 40-character base64 run for a secret access key: most strings
 * of a spec (s3:// URIs, ARNs, SQL) are cleared by these cheap tests.
 */
const MAY_HOLD_CREDENTIAL =
  /AKIA|ASIA|PRIVATE KEY|passw|pwd|passphrase|secret|api[_-]?key|token|credential|hooks\.slack\.com/i;
const BASE64_RUN = /[A-Za-z0-9/+]{40}/;

function valueRuleHit(text: string): ValueRule | undefined {
  if (!MAY_HOLD_CREDENTIAL.test(text) && !(text.includes("://") && text.includes("@")) && !BASE64_RUN.test(text))
    return undefined;
  return VALUE_RULES.find((rule) => rule.test(text));
}

/** Every credential-looking string in the raw spec, with its path. */
export function credentialProblems({ file, data }: { readonly file: string; readonly data: unknown }): SpecProblem[] {
  const problems: SpecProblem[] = [];
  // One path, grown and shrunk while walking; copied only for a problem.
  const path: PropertyKey[] = [];
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === "string") {
      const what = describeCredential(value, key);
      if (what) problems.push({ file, path: [...path], message: `looks like ${what}`, hint: HINT });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        path.push(i);
        visit(v, key);
        path.pop();
      });
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        path.push(k);
        if (looksLikeCredential(k))
          problems.push({
            file,
            path: [...path],
            message: `the key looks like ${describeCredential(k, undefined)}`,
            hint: HINT,
          });
        visit(v, k);
        path.pop();
      }
    }
  };
  visit(data, undefined);
  return problems;
}

/** What kind of credential the string is, or undefined when it looks fine. `key` names the field it is in. */
export function describeCredential(text: string, key: string | undefined): string | undefined {
  const hit = valueRuleHit(text);
  if (hit) return hit.what;
  if (key !== undefined && isSecretName(key) && isLiteralSecret(text)) return `a secret in a field named "${key}"`;
  return undefined;
}

/** True when a mapping key itself embeds a credential (e.g. a Glue argument named `--password=...`). */
function looksLikeCredential(key: string): boolean {
  return valueRuleHit(key) !== undefined;
}

/** Passwords in `scheme://user:password@host` URIs. */
function uriPasswords(text: string): string[] {
  // A scheme starts only where a run of scheme characters starts: linear in the text's length.
  return [...text.matchAll(/(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]+)@/g)].map((m) =>
    decodeSafely(m[1]!),
  );
}

/**
 * A value that is a secret itself, rather than a reference to one: not empty,
 * not an ARN, not a Jinja expression or pipegen placeholder resolved at run
 * time, and not a masked value such as `***`.
 */
function isLiteralSecret(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return false;
  if (/^arn:/.test(v)) return false;
  // Run-time references: Jinja (`{{ conn.x.password }}`) or a pipegen placeholder.
  if (/^(?:\{\{|\{%|\$\{)/.test(v)) return false;
  // Masked or elided values and documentation stand-ins: ***, xxxx, ..., <password>.
  if (/^(?:[*xX•]+|\.+)$/.test(v) || v.startsWith("<")) return false;
  return true;
}

/**
 * 40-character base64 runs that look random: AWS secret access keys. Paths
 * and names are excluded by the character mix and entropy they would need.
 */
function secretKeyCandidates(text: string): string[] {
  return [...text.matchAll(/(?:^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g)]
    .map((m) => m[1]!)
    .filter((s) => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s) && entropy(s) >= 4.2);
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

function unquote(s: string): string {
  return /^(["']).*\1$/s.test(s) ? s.slice(1, -1) : s;
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
