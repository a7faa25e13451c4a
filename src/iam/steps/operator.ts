/**
 * An `operator` step names a class pipegen knows nothing of, so it cannot
 * derive the AWS calls the task makes: the spec declares them (`iam`), and
 * each declared statement goes into the execution role's policy as written,
 * after the same wildcard check as pipegen's own statements. A step without
 * `iam` is refused, with a hint, rather than granted nothing silently.
 */
import type { Grant, IamStepBuilder } from "../model.js";
import { checkWildcards } from "../wildcard-check.js";

export const operatorGrants: IamStepBuilder<"operator"> = ({ step, index, className }, ctx) => {
  if (step.iam === undefined) {
    ctx.missing(
      ["steps", index, "operator"],
      `pipegen cannot derive the AWS calls ${className} makes, and the step declares no iam statements`,
      "add iam: [{ actions: [...], resources: [...] }] with what the operator calls as the MWAA execution role (exact actions and ARNs), or iam: [] if it calls no AWS API",
    );
    return [];
  }
  const grants: Grant[] = [];
  for (const [i, s] of step.iam.entries()) {
    const grant: Grant = {
      to: { kind: "execution-role" },
      sid: ctx.sid(step, `Declared${i + 1}`),
      explain: s.why ?? `declared in the spec for ${className}: pipegen cannot derive what an operator step calls`,
      actions: s.actions,
      resources: s.resources,
      ...(s.condition ? { condition: s.condition } : {}),
    };
    const statement = {
      Sid: grant.sid,
      Effect: "Allow" as const,
      Action: grant.actions,
      Resource: grant.resources,
      ...(grant.condition ? { Condition: grant.condition } : {}),
    };
    for (const violation of checkWildcards({ Version: "2012-10-17", Statement: [statement] }))
      ctx.missing(
        ["steps", index, "iam", i],
        violation.replace(`${grant.sid}: `, ""),
        'name exact actions and ARNs: pipegen grants Resource * only for actions IAM cannot scope, and wildcards only in the forms listed under "IAM policies" in pipegen\'s README',
      );
    for (const resource of s.resources) {
      const account = resource.split(":")[4];
      if (account && account !== "*" && account !== ctx.arns.placement.account)
        ctx.note(
          `${ctx.resolved.file} steps[${index}].iam[${i}] names ${resource} in account ${account}, not ${ctx.arns.placement.account}: that resource's own policy must allow the MWAA execution role as well`,
        );
    }
    grants.push(grant);
  }
  return grants;
};
