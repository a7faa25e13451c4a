/** Renders a verify report for people (the default) or as JSON (`--json`). */
import type { VerifyReport } from "./index.js";

interface Style {
  readonly ok: (s: string) => string;
  readonly bad: (s: string) => string;
  readonly dim: (s: string) => string;
}

const PLAIN: Style = { ok: (s) => s, bad: (s) => s, dim: (s) => s };

/** A few lines per check; every difference on its own line. */
export function formatReport(report: VerifyReport, style: Style = PLAIN): string {
  const d = report.delta;
  const i = report.iceberg;
  const checkpoint = d.checkpoint
    ? `checkpoint ${d.checkpoint.version}${d.checkpoint.parts > 1 ? ` (${d.checkpoint.parts} parts)` : ""} + ${d.commitsRead} commits`
    : `${d.commitsRead} commits`;
  const lines = [
    `${report.table}`,
    style.dim(`  Delta   version ${d.version} (${checkpoint}), ${d.files} files, ${d.records ?? "?"} records`),
    style.dim(
      `  Iceberg ${i.metadataFile}, snapshot ${i.snapshotId ?? "none"}, ${i.files} files, ${i.records} records`,
    ),
  ];
  for (const c of report.checks) {
    lines.push(`  ${c.ok ? style.ok("✓") : style.bad("✗")} ${c.check.padEnd(14)} ${c.summary}`);
    for (const diff of c.differences) lines.push(`      ${style.bad("-")} ${diff}`);
  }
  const n = report.checks.reduce((k, c) => k + c.differences.length, 0);
  lines.push(
    report.ok
      ? style.ok("Iceberg metadata matches the Delta table.")
      : style.bad(`${n} difference${n === 1 ? "" : "s"} between the Delta table and its Iceberg metadata.`),
  );
  return `${lines.join("\n")}\n`;
}

/** The report as stable JSON (bigints never occur: ids are strings). */
export function reportJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
