/**
 * pipegen's own wildcard check, run on every document before anything is
 * written (and by the tests): no wildcard in any action, `Resource: "*"` only
 * for the allow-listed actions, and wildcards in ARNs and conditions only in
 * the allow-listed forms. A violation is a bug in pipegen, never a user error.
 */
import { ALLOWED_WILDCARD_RESOURCES, RESOURCE_STAR_ACTIONS, WILDCARD_CONDITION_KEYS } from "./allow-list.js";
import type { PolicyDocument } from "./model.js";
import { hasWildcard } from "./s3-patterns.js";

/** Every violation in the document, as `Sid: what`; empty when it passes. */
export function checkWildcards(doc: PolicyDocument): string[] {
  const out: string[] = [];
  for (const s of doc.Statement) {
    const at = (what: string) => out.push(`${s.Sid}: ${what}`);
    for (const action of s.Action) if (/[*?]/.test(action)) at(`wildcard action ${action}`);
    if (s.Resource && s.NotResource) at("has both Resource and NotResource");
    for (const resource of s.Resource ?? []) {
      if (resource === "*") {
        for (const action of s.Action)
          if (!(action in RESOURCE_STAR_ACTIONS)) at(`Resource "*" for ${action}, which is not in the allow-list`);
      } else if (
        hasWildcard(resource) &&
        !ALLOWED_WILDCARD_RESOURCES.some((a) => !a.notResource && a.pattern.test(unescaped(resource)))
      )
        at(`wildcard resource ${resource} matches no allowed form`);
    }
    for (const resource of s.NotResource ?? [])
      if (!ALLOWED_WILDCARD_RESOURCES.some((a) => a.notResource && a.pattern.test(resource)))
        at(`NotResource ${resource} matches no allowed form`);
    for (const [operator, keys] of Object.entries(s.Condition ?? {}))
      for (const [key, values] of Object.entries(keys))
        for (const value of typeof values === "string" ? [values] : values)
          if (hasWildcard(value) && !(operator === "StringLike" && key in WILDCARD_CONDITION_KEYS))
            at(`wildcard in condition ${operator} ${key}: ${value}`);
    const principal = s.Principal && ("AWS" in s.Principal ? s.Principal.AWS : s.Principal.Service);
    if (principal !== undefined && hasWildcard(principal)) at(`wildcard principal ${principal}`);
  }
  return out;
}

/** Removes IAM's escapes (`${*}`, `${?}`, `${$}`), which are literal characters, not wildcards. */
function unescaped(pattern: string): string {
  return pattern.replace(/\$\{[*?$]\}/g, "_");
}
