/** zod's issues as located problems: what is wrong, where in the file, and how to fix it. */
import type { z } from "zod";
import type { Problem } from "../errors.js";
import { formatPath, type LoadedSpec, type SpecPath } from "../load/index.js";
import { describeIssue, describeUnknownKey } from "./messages.js";
import { allowedKeysAt } from "./schema-keys.js";

/**
 * One problem per issue, and one per unknown key (located at the key, with
 * the closest known key as a hint; with `listKeys`, the known keys when none
 * is close).
 */
export function zodProblems(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  spec: LoadedSpec,
  options: { readonly listKeys?: boolean } = {},
): Problem[] {
  const at = (path: SpecPath, message: string, hint: string | undefined, key = false): Problem => ({
    file: spec.file,
    ...spec.locate(path, { key }),
    path: formatPath(path),
    message,
    ...(hint ? { hint } : {}),
  });
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const known = allowedKeysAt(schema, issue.path, spec.data);
        const text = describeUnknownKey(key, known);
        const hint =
          options.listKeys && !text.hint?.startsWith("did you mean") ? `known keys: ${known.join(", ")}` : text.hint;
        problems.push(at([...issue.path, key], text.message, hint, true));
      }
    } else {
      const text = describeIssue(issue);
      // A key that is wrong is pointed at, not its value.
      problems.push(at(issue.path, text.message, text.hint, issue.code === "invalid_key"));
    }
  }
  return problems;
}
