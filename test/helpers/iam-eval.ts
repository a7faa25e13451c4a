/**
 * A small IAM policy evaluator for tests: does a set of policy documents
 * allow one request? It follows the IAM policy evaluation logic for the parts
 * pipegen's documents use:
 * - an explicit Deny in any applicable policy wins;
 * - within one account, an Allow in the identity's policies or in the
 *   resource's policy (naming the principal) is enough;
 * - across accounts (a bucket of another account), both must allow;
 * - Action/NotAction with `*` and `?` wildcards, case-insensitive;
 * - Resource/NotResource with wildcards, IAM's escapes (`${*}`, `${?}`,
 *   `${$}`) and policy variables (`${aws:userid}`);
 * - Principal.AWS as a role ARN, an account root or `*`;
 * - Condition operators String(Not)Equals, String(Not)Like,
 *   StringEqualsIgnoreCase, ArnLike/ArnEquals and Bool, each with IfExists;
 *   values are ORed, keys and operators ANDed; a missing key fails a positive
 *   operator and passes a negated one (as IAM does).
 * It records which statement allowed each request, so callers can find the
 * statements no request used.
 */

export interface PolicyStatementLike {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface NamedPolicy {
  /** e.g. the document's file name. */
  readonly name: string;
  readonly Statement: readonly PolicyStatementLike[];
}

export interface IamRequest {
  /** The caller: a role ARN. */
  readonly principal: string;
  readonly principalAccount: string;
  /** e.g. `s3:GetObject` */
  readonly action: string;
  /** The resource ARN, or `*` for actions without a resource type. */
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  /** Condition keys of the request (`s3:prefix`, `aws:userid`, …). */
  readonly context: Readonly<Record<string, string>>;
}

export interface Match {
  readonly policy: string;
  readonly sid: string;
  /** The Action entry that matched. */
  readonly action: string;
}

export interface Decision {
  readonly allowed: boolean;
  readonly why: string;
  /** The Allow statements that matched (identity and resource policy). */
  readonly allowedBy: readonly Match[];
}

const list = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === "string" ? [v] : v;

/** Matches text against an IAM pattern: `*` any run, `?` one character, `${*}`/`${?}`/`${$}` literal. */
export function wildcardMatch(pattern: string, text: string, ignoreCase = false): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const escaped = /^\$\{([*?$])\}/.exec(pattern.slice(i));
    if (escaped) {
      re += `\\${escaped[1]}`;
      i += 3;
    } else if (pattern[i] === "*") re += "[\\s\\S]*";
    else if (pattern[i] === "?") re += "[\\s\\S]";
    else re += pattern[i]!.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, ignoreCase ? "i" : "").test(text);
}

/** Replaces policy variables such as `${aws:userid}` (not IAM's escapes) with the request's values. */
function substitute(pattern: string, context: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const out = pattern.replace(/\$\{([A-Za-z0-9-]+:[A-Za-z0-9/_-]+)\}/g, (_, key: string) => {
    const v = context[key];
    if (v === undefined) missing = true;
    return v ?? "";
  });
  return missing ? undefined : out;
}

function conditionHolds(
  condition: PolicyStatementLike["Condition"],
  context: Readonly<Record<string, string>>,
): boolean {
  for (const [rawOperator, keys] of Object.entries(condition ?? {})) {
    const ifExists = rawOperator.endsWith("IfExists");
    const operator = ifExists ? rawOperator.slice(0, -"IfExists".length) : rawOperator;
    for (const [key, values] of Object.entries(keys)) {
      const actual = context[key];
      const negated = operator.includes("Not");
      if (actual === undefined) {
        if (ifExists || negated) continue;
        return false;
      }
      const wanted = list(values).map((v) => substitute(v, context));
      const test = (v: string | undefined): boolean => {
        if (v === undefined) return false;
        switch (operator) {
          case "StringEquals":
          case "StringNotEquals":
          case "ArnEquals":
          case "ArnNotEquals":
            return v === actual;
          case "StringEqualsIgnoreCase":
          case "StringNotEqualsIgnoreCase":
            return v.toLowerCase() === actual.toLowerCase();
          case "StringLike":
          case "StringNotLike":
          case "ArnLike":
          case "ArnNotLike":
            return wildcardMatch(v, actual);
          case "Bool":
            return v.toLowerCase() === actual.toLowerCase();
          default:
            throw new Error(`condition operator ${rawOperator} is not supported by this evaluator`);
        }
      };
      const any = wanted.some(test);
      if (negated ? any : !any) return false;
    }
  }
  return true;
}

function principalMatches(statement: PolicyStatementLike, request: IamRequest): boolean {
  if (statement.Principal === undefined) return true;
  return list(statement.Principal.AWS).some(
    (p) =>
      p === "*" ||
      p === request.principal ||
      p === request.principalAccount ||
      p === `arn:aws:iam::${request.principalAccount}:root`,
  );
}

/** The Action entry of the statement that matches the request's action, if any. */
function actionMatch(statement: PolicyStatementLike, action: string): string | undefined {
  if (statement.NotAction)
    return list(statement.NotAction).some((a) => wildcardMatch(a, action, true)) ? undefined : action;
  return list(statement.Action).find((a) => wildcardMatch(a, action, true));
}

function resourceMatches(statement: PolicyStatementLike, request: IamRequest): boolean {
  const matches = (patterns: readonly string[]) =>
    patterns.some((p) => {
      const concrete = substitute(p, request.context);
      return concrete !== undefined && wildcardMatch(concrete, request.resource);
    });
  if (statement.NotResource) return !matches(list(statement.NotResource));
  return matches(list(statement.Resource));
}

/** Statements of the policy that apply to the request, by effect. */
function applicable(policy: NamedPolicy, request: IamRequest, resourcePolicy: boolean) {
  const allow: Match[] = [];
  const deny: Match[] = [];
  for (const [i, s] of policy.Statement.entries()) {
    if (resourcePolicy && s.Principal === undefined) continue;
    if (!principalMatches(s, request)) continue;
    const action = actionMatch(s, request.action);
    if (action === undefined || !resourceMatches(s, request) || !conditionHolds(s.Condition, request.context)) continue;
    (s.Effect === "Deny" ? deny : allow).push({ policy: policy.name, sid: s.Sid ?? `#${i}`, action });
  }
  return { allow, deny };
}

/**
 * Decides one request.
 * @param identity the policies attached to the caller
 * @param resourcePolicy the resource's own policy (a bucket policy), if it has one
 */
export function evaluate(
  identity: readonly NamedPolicy[],
  resourcePolicy: NamedPolicy | undefined,
  request: IamRequest,
): Decision {
  const id = identity.map((p) => applicable(p, request, false));
  const res = resourcePolicy ? applicable(resourcePolicy, request, true) : { allow: [], deny: [] };
  const denies = [...id.flatMap((d) => d.deny), ...res.deny];
  if (denies.length > 0)
    return { allowed: false, why: `explicit Deny in ${denies[0]!.policy} ${denies[0]!.sid}`, allowedBy: [] };
  const idAllow = id.flatMap((d) => d.allow);
  const crossAccount = request.principalAccount !== request.resourceAccount;
  if (crossAccount) {
    if (idAllow.length === 0) return { allowed: false, why: "no Allow in the caller's policies", allowedBy: [] };
    if (res.allow.length === 0)
      return {
        allowed: false,
        why: `no Allow for the caller in the policy of the resource's account ${request.resourceAccount}`,
        allowedBy: [],
      };
    return { allowed: true, why: "allowed by both accounts", allowedBy: [...idAllow, ...res.allow] };
  }
  const allowedBy = [...idAllow, ...res.allow];
  return allowedBy.length > 0
    ? { allowed: true, why: "allowed", allowedBy }
    : { allowed: false, why: "no Allow (implicit deny)", allowedBy: [] };
}
