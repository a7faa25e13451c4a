/**
 * The credential gate: a spec is code that lives in git and is copied into
 * DAG files, so it must never carry a secret. This walks every string of the
 * raw spec (and every mapping key, which names what its value is) and reports
 * anything that looks like a credential, without repeating the secret itself.
 *
 * The rules aim at what people actually paste: AWS access keys and secret
 * keys, `password=...` style assignments, SQL `PASSWORD '...'`, connection
 * URIs with a password, private keys, and a field named like a password that
 * holds a literal. Look-alikes that are fine: ARNs (a secret's ARN is the
 * right way to refer to it), Jinja or placeholder references resolved at run
 * time (`{{ conn.x.password }}`, `${DATE}`), and `PASSWORD DISABLE`.
 */
import type { SpecPath } from "../load/index.js";

export interface CredentialProblem {
  readonly path: SpecPath;
  readonly message: string;
  readonly hint: string;
}

const HINT =
  "specs must not carry credentials: store the secret in AWS Secrets Manager and give its ARN (e.g. connections.redshift.secretArn), or keep it in an Airflow connection and give the connection id";

/** Names of fields whose value is a secret when it is a literal. */
const SECRET_NAME =
  /(?:^|[^a-z])(?:password|passwd|pwd|secret[_-]?(?:access[_-]?)?key|client[_-]?secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|private[_-]?key)(?:[^a-z]|$)/i;

/** Field names that refer to a secret rather than hold one: `--password_secret_arn`, `db_password_conn_id`, `api_key_name`. */
const REFERENCE_NAME =
  /(?:[_-](?:arn|id|name|ref|conn|connection|param|parameter|path|file|env|var|variable)|(?:Arn|ARN|Id|ID|Name|Ref|Conn|Connection|Param|Parameter|Path|File|Env|Var|Variable))$/;

/** `name=value` or `name: value` inside a larger string, with a secret-ish name. */
const ASSIGNMENT =
  /(?:^|[^A-Za-z0-9_])(password|passwd|pwd|aws_secret_access_key|secret_access_key|secret_key|client_secret|api_key|apikey|access_token|auth_token|token)\s*[:=]\s*("[^"]*"|'[^']*'|[^\s;&,'"]+)/gi;

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
    test: (t) => [...t.matchAll(ASSIGNMENT)].some((m) => isLiteralSecret(unquote(m[2]!))),
  },
  // SQL: CREATE/ALTER USER ... PASSWORD '...' (PASSWORD DISABLE is fine: no quote follows).
  {
    what: "a SQL password",
    test: (t) => [...t.matchAll(/\bPASSWORD\s+'((?:[^']|'')*)'/gi)].some((m) => isLiteralSecret(m[1]!)),
  },
  { what: "an AWS secret access key", test: (t) => secretKeyCandidates(t).length > 0 },
];

/**
 * Each value rule needs one of these words in the text, a URI with user
 * info, or a 40-character base64 run for a secret access key: most strings
 * of a spec (s3:// URIs, ARNs, SQL) are cleared by these cheap tests.
 */
const MAY_HOLD_CREDENTIAL = /AKIA|ASIA|PRIVATE KEY|passw|pwd|secret|api_?key|token/i;
const BASE64_RUN = /[A-Za-z0-9/+]{40}/;

function valueRuleHit(text: string): ValueRule | undefined {
  if (!MAY_HOLD_CREDENTIAL.test(text) && !(text.includes("://") && text.includes("@")) && !BASE64_RUN.test(text))
    return undefined;
  return VALUE_RULES.find((rule) => rule.test(text));
}

/** Every credential-looking string in the raw spec, with its path. */
export function credentialProblems(data: unknown): CredentialProblem[] {
  const problems: CredentialProblem[] = [];
  // One path, grown and shrunk while walking; copied only for a problem.
  const path: PropertyKey[] = [];
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === "string") {
      const what = describeCredential(value, key);
      if (what) problems.push({ path: [...path], message: `looks like ${what}`, hint: HINT });
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
  if (key !== undefined && SECRET_NAME.test(key) && !REFERENCE_NAME.test(key) && isLiteralSecret(text))
    return `a secret in a field named "${key}"`;
  return undefined;
}

/** True when a mapping key itself embeds a credential (e.g. a Glue argument named `--password=...`). */
function looksLikeCredential(key: string): boolean {
  return valueRuleHit(key) !== undefined;
}

/** Passwords in `scheme://user:password@host` URIs. */
function uriPasswords(text: string): string[] {
  return [...text.matchAll(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]+)@/g)].map((m) => decodeSafely(m[1]!));
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
