/** zod's issues as spec problems: what is wrong, at which path, and how to fix it. */
import type { z } from "zod";
import type { LoadedSpec } from "../load/index.js";
import type { SpecProblem } from "../problem.js";
import { describeIssue, describeUnknownKey, narrowUnion } from "./messages.js";
import { allowedKeysAt } from "./schema-keys.js";

/**
 * One problem per issue, and one per unknown key (placed at the key, with
 * the closest known key as a hint; with `listKeys`, the known keys when none
 * is close). A key that is wrong (a record's key) is placed at the key too.
 * A union's failure is reported as the member the value was meant to be.
 */
export function zodProblems(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  spec: Pick<LoadedSpec, "file" | "data">,
  options: { readonly listKeys?: boolean } = {},
): SpecProblem[] {
  const { file } = spec;
  const problems: SpecProblem[] = [];
  for (const issue of issues.flatMap(narrowUnion)) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const known = allowedKeysAt(schema, issue.path, spec.data);
        const text = describeUnknownKey(key, known);
        const hint =
          options.listKeys && !text.hint?.startsWith("did you mean") ? `known keys: ${known.join(", ")}` : text.hint;
        problems.push({ file, path: [...issue.path, key], message: text.message, hint, key: true });
      }
    } else problems.push({ file, path: issue.path, ...describeIssue(issue), key: issue.code === "invalid_key" });
  }
  return problems;
}
