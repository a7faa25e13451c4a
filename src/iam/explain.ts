/** The human output of `pipegen iam`: each document, then one line per grant saying what it allows and why. */
import type { IamResult } from "./index.js";

export function explainIam(result: IamResult, outDir: string): string {
  const lines: string[] = [];
  const { partition, account, region } = result.placement;
  lines.push(`IAM for account ${account}, region ${region}${partition === "aws" ? "" : `, partition ${partition}`}`);
  for (const d of result.documents) {
    const actions = new Map(
      d.policy.Statement.map((s) => [s.Sid, s.Action.map((a) => a.replace(/^[a-z0-9-]+:/, "")).join(",")]),
    );
    const service = new Map(d.policy.Statement.map((s) => [s.Sid, s.Action[0]!.split(":")[0]!]));
    lines.push("");
    lines.push(
      `${outDir}/${d.file} — ${d.attachTo} (${d.policy.Statement.length} statement${d.policy.Statement.length === 1 ? "" : "s"}, ${d.size.characters} of ${d.size.limit} characters)`,
    );
    const width = Math.max(...d.grants.map((g) => g.sid.length));
    for (const g of d.grants)
      lines.push(`  ${g.sid.padEnd(width)}  ${service.get(g.sid)}:${actions.get(g.sid)} — ${g.explain}`);
  }
  if (result.notes.length > 0) {
    lines.push("");
    lines.push("Notes:");
    for (const n of result.notes) lines.push(`  - ${n}`);
  }
  return `${lines.join("\n")}\n`;
}
