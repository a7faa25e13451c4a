/**
 * What a deploy planned and what actually happened, as data (for `--json`
 * and the library API) and as text (for people and CI logs). After a
 * failure the report lists what landed and what did not, so nobody has to
 * guess what state the bucket is in.
 */
import type { UpdateEnvironmentCommandInput } from "@aws-sdk/client-mwaa";
import { UserError } from "../errors.js";
import { UPLOAD_CLASSES, type UploadClass } from "./bundle.js";
import type { EnvironmentAction } from "./plan.js";
import { formatBytes } from "./progress.js";

/** The plan, as printed before anything is written and as the `plan` of `--json`. */
export interface PlanReport {
  readonly target: {
    readonly bucket: string;
    readonly prefix: string;
    readonly environment: string | undefined;
    readonly region: string | undefined;
  };
  readonly sources: Readonly<Record<string, string>>;
  readonly summary: {
    add: number;
    change: number;
    unchanged: number;
    delete: number;
    keep: number;
    uploadBytes: number;
  };
  /** Added and changed files, in upload order. */
  readonly uploads: readonly {
    path: string;
    action: "add" | "change";
    reason: string;
    uploadClass: UploadClass;
    size: number;
  }[];
  readonly deletes: readonly { path: string; reason: string }[];
  readonly kept: readonly { path: string; reason: string }[];
  readonly released: readonly { path: string; reason: string }[];
  readonly environment: { readonly action: EnvironmentAction; readonly reasons: readonly string[] };
  readonly preflight?: { readonly checked: number; readonly unreadable: readonly string[] };
}

/** What happened to the MWAA environment. */
export type EnvironmentOutcome =
  | { readonly status: "not configured" | "not needed" | "not attempted"; readonly detail?: string }
  | { readonly status: "up to date"; readonly detail: string }
  | {
      readonly status: "update requested" | "updated";
      readonly input: UpdateEnvironmentCommandInput;
      readonly detail?: string;
    }
  | { readonly status: "failed"; readonly detail: string; readonly input?: UpdateEnvironmentCommandInput };

/** What a deploy did, complete or not: the `--json` document and the data behind the printed outcome. */
export interface DeployReport {
  readonly plan: PlanReport;
  readonly dryRun: boolean;
  readonly outcome: "planned" | "nothing to do" | "deployed" | "incomplete";
  readonly uploaded: readonly { path: string; versionId: string | undefined; multipart: boolean; retries: number }[];
  readonly failed: readonly { path: string; error: string }[];
  /** Files that were to be uploaded but were not tried, because something before them failed. */
  readonly notAttempted: readonly string[];
  readonly deleted: readonly string[];
  readonly deleteFailed: readonly { path: string; error: string }[];
  readonly environment: EnvironmentOutcome;
  readonly manifest: "written" | "unchanged" | "not written" | { readonly failed: string };
  /** Requests that failed transiently and were retried. */
  readonly retries: number;
  readonly durationMs: number;
}

/**
 * The deploy started writing and did not finish. The report says what landed
 * and what did not; a re-run picks up where this one stopped.
 */
export class DeployIncompleteError extends UserError {
  override readonly name = "DeployIncompleteError";
  constructor(
    message: string,
    readonly report: DeployReport,
  ) {
    super(message);
  }
}

const ACTION_WIDTH = 8;

/** The plan as printed before anything is written. */
export function formatPlan(plan: PlanReport): string {
  const t = plan.target;
  const where = `s3://${t.bucket}/${t.prefix}`;
  const lines = [
    `Deploy to ${where}${t.environment ? ` (MWAA environment ${t.environment})` : ""}${t.region ? ` in ${t.region}` : ""}`,
  ];
  const sources = Object.entries(plan.sources).map(([k, v]) => `${k} from ${v}`);
  if (sources.length > 0) lines.push(`  settings: ${sources.join(", ")}`);
  if (plan.preflight)
    lines.push(
      `  preflight: ${plan.preflight.checked} named resource${plan.preflight.checked === 1 ? "" : "s"} checked` +
        (plan.preflight.unreadable.length ? `; could not check: ${plan.preflight.unreadable.join("; ")}` : ""),
    );
  for (const c of UPLOAD_CLASSES) {
    const inClass = plan.uploads.filter((u) => u.uploadClass === c.id);
    for (const u of inClass)
      lines.push(
        `  ${u.action.padEnd(ACTION_WIDTH)}${u.path}${u.reason && u.reason !== "new" && u.reason !== "content changed" ? ` (${u.reason})` : ""}`,
      );
  }
  for (const d of plan.deletes) lines.push(`  ${"delete".padEnd(ACTION_WIDTH)}${d.path}`);
  for (const k of plan.kept) lines.push(`  ${"keep".padEnd(ACTION_WIDTH)}${k.path} (${k.reason})`);
  for (const r of plan.released) lines.push(`  ${"release".padEnd(ACTION_WIDTH)}${r.path} (${r.reason})`);
  const s = plan.summary;
  lines.push(
    `Plan: ${s.add} to add, ${s.change} to change, ${s.delete} to delete, ${s.unchanged} unchanged` +
      (s.keep ? `, ${s.keep} kept` : "") +
      (s.uploadBytes ? ` (${formatBytes(s.uploadBytes)} to upload)` : "") +
      `; environment: ${environmentPlanText(plan)}`,
  );
  return lines.join("\n");
}

function environmentPlanText(plan: PlanReport): string {
  const env = plan.environment;
  if (!plan.target.environment) return "none (no --environment; MWAA is not called)";
  switch (env.action) {
    case "none":
      return "no update needed";
    case "update":
      return `update (${env.reasons.join(", ")})`;
    case "check":
      return `check whether it runs the current files (${env.reasons.join(", ")})`;
  }
}

/** The outcome, printed after the deploy ends (completed or not). */
export function formatOutcome(r: DeployReport): string {
  const lines: string[] = [];
  const env = r.environment;
  const envLine = (): string | undefined => {
    switch (env.status) {
      case "not configured":
      case "not needed":
        return undefined;
      case "up to date":
        return `environment: ${env.detail}`;
      case "update requested":
      case "updated":
        return `environment: ${env.status === "updated" ? "updated and AVAILABLE" : "update requested (MWAA applies it in the background; `--wait` waits for it)"} — ${Object.entries(
          env.input,
        )
          .filter(([k]) => k !== "Name" && k.endsWith("ObjectVersion"))
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(", ")}${env.detail ? `; ${env.detail}` : ""}`;
      case "failed":
        return `environment: update FAILED: ${env.detail}`;
      case "not attempted":
        return `environment: not updated${env.detail ? ` (${env.detail})` : ""}`;
    }
  };
  if (r.outcome === "incomplete") {
    lines.push("Deploy incomplete.");
    if (r.uploaded.length) lines.push(`  landed (${r.uploaded.length}): ${listPaths(r.uploaded.map((u) => u.path))}`);
    for (const f of r.failed) lines.push(`  failed: ${f.path}: ${f.error}`);
    if (r.notAttempted.length) lines.push(`  not uploaded (${r.notAttempted.length}): ${listPaths(r.notAttempted)}`);
    if (r.deleted.length) lines.push(`  deleted (${r.deleted.length}): ${listPaths(r.deleted)}`);
    for (const f of r.deleteFailed) lines.push(`  not deleted: ${f.path}: ${f.error}`);
    const e = envLine();
    if (e) lines.push(`  ${e}`);
    lines.push(`  manifest: ${typeof r.manifest === "string" ? r.manifest : `not written: ${r.manifest.failed}`}`);
    lines.push(
      "  Nothing that landed depends on anything that did not: files go up in dependency order and the next group starts only when the previous one is complete. " +
        "Re-run the same deploy to finish; files that landed are recognised and not uploaded again.",
    );
    return lines.join("\n");
  }
  const e = envLine();
  if (e) lines.push(e);
  const retried = r.retries ? `, ${r.retries} transient failure${r.retries === 1 ? "" : "s"} retried` : "";
  if (r.outcome === "nothing to do") lines.push(`✓ nothing to do: the bucket already holds this bundle${retried}`);
  else
    lines.push(
      `✓ deployed: ${r.uploaded.length} uploaded, ${r.deleted.length} deleted, ${r.plan.summary.unchanged} unchanged${retried} in ${(r.durationMs / 1000).toFixed(1)} s`,
    );
  return lines.join("\n");
}

function listPaths(paths: readonly string[], max = 20): string {
  return paths.length <= max ? paths.join(", ") : `${paths.slice(0, max).join(", ")} … and ${paths.length - max} more`;
}
