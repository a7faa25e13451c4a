/**
 * `pipegen xtable run`: checks the dataset config, refuses Delta tables that
 * XTable would mistranslate, then runs pipegen's XTable runner (jars/) in a
 * child JVM, streams its output and judges its result line. The run
 * succeeds only when every dataset × target format synced.
 *
 * The runner's output protocol (jars/README.md): its last stdout line is
 * `pipegen-xtable-result: {"ok": bool, "datasets": [{"table", "format",
 * "status": "SUCCESS"|"FAILED"|"REFUSED", "error", "sync", "refusals"?}]}`;
 * exit 0 all synced, 1 some sync failed or was refused, 2 bad input (a
 * one-paragraph message on stderr).
 *
 * The runner refuses the tables XTable would mistranslate itself, on every
 * path (jars/…/DeltaSafetyCheck.java). This module refuses local ones too,
 * before a JVM starts, with the same rules and words (delta-features.ts;
 * test/xtable/verify.test.ts and spark.test.ts prove the two agree).
 */

import { accessSync, constants, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { execa } from "execa";
import YAML from "yaml";
import { validatePipelines } from "../pipeline-run.js";
import { locateRunner } from "../runner/locate.js";
import type { XTableStep } from "../spec/steps/xtable.js";
import {
  type CatalogConfig,
  catalogConfigSchema,
  checkConfig,
  configsForStep,
  type DatasetConfig,
  datasetConfigSchema,
  isLocalPath,
  loadConfigFile,
} from "./config.js";
import { detectUnsupportedFeatures } from "./delta-features.js";
import {
  UnsupportedDeltaFeatureError,
  type UnsupportedFeature,
  XTableConfigError,
  XTableSetupError,
  XTableSyncError,
} from "./errors.js";
import { RUNNER_ENV_VAR } from "./runner-env.js";
import { readDeltaSnapshot } from "./verify/delta-log.js";
import { stripFileScheme } from "./verify/paths.js";

export const RESULT_PREFIX = "pipegen-xtable-result:";
export const MAIN_CLASS = "pipegen.xtable.Launcher";
export { LAUNCHER_JAR } from "../runner/locate.js";
export { RUNNER_ENV_VAR };

/**
 * JVM flags pipegen sets, the same as the MWAA operator's. Java 17 needs no
 * --add-opens without Spark (jars/README.md), but they are harmless and keep
 * a local run identical to the one on MWAA.
 */
export function jvmFlags(maxHeap: string): string[] {
  return [
    `-Xmx${maxHeap}`,
    "-XX:+ExitOnOutOfMemoryError",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
  ];
}

/** The runner's verdict on one table and target format. */
export interface DatasetResult {
  readonly table: string;
  readonly format: string;
  /** SUCCESS, FAILED, or REFUSED (a Delta feature XTable would mistranslate; nothing was synced). */
  readonly status: string;
  readonly error: string | null;
  /** How the runner brought the target up to date: INCREMENTAL, FULL or UP_TO_DATE (absent from older runners). */
  readonly sync?: string | null;
  /** For REFUSED: each feature the runner's safety check found. */
  readonly refusals?: readonly UnsupportedFeature[];
}

export interface RunResult {
  readonly exitCode: number;
  readonly datasets: readonly DatasetResult[];
}

export interface RunOptions {
  /** A RunSync-style dataset config file. Exactly one of this and `pipeline`. */
  readonly config?: string | undefined;
  /** An Iceberg catalog config file (with `config`). */
  readonly catalog?: string | undefined;
  /** A spec file and the id of its xtable step. */
  readonly pipeline?: string | undefined;
  readonly step?: string | undefined;
  /**
   * The runner folder (launcher jar + dependencies); else $PIPEGEN_XTABLE_RUNNER, else the one
   * jars/build.sh builds (src/runner/locate.ts), built first when it is missing.
   */
  readonly runner?: string | undefined;
  /** JVM heap; defaults to the step's maxHeap or 2g. */
  readonly maxHeap?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Told, before the runner is built, what is built where (it takes minutes). */
  readonly onNote?: (message: string) => void;
  /** Receives every output line of the JVM (stdout and stderr) as it arrives. */
  readonly onOutput?: (line: string, stream: "stdout" | "stderr") => void;
}

/**
 * Runs the XTable runner on a dataset config (or a spec's xtable step).
 * @returns the per table and format results, when every one succeeded
 * @throws {XTableConfigError} bad config, step or runner location
 * @throws {DeltaTableError} a local table path that is not a readable Delta table
 * @throws {UnsupportedDeltaFeatureError} a local Delta table XTable would mistranslate
 * @throws {XTableSetupError} Java missing or not startable
 * @throws {XTableSyncError} any dataset × format that did not sync, named
 */
export async function runXTable(options: RunOptions): Promise<RunResult> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const { dataset, catalog, maxHeap } = await loadInputs(options, cwd);
  await refuseMistranslatedTables(dataset);
  const { dir: runnerDir } = await locateRunner({ explicit: options.runner, env, cwd, onNote: options.onNote });
  const java = findJava(env);

  const workdir = await mkdtemp(join(tmpdir(), "pipegen-xtable-"));
  try {
    const datasetFile = join(workdir, "dataset.yaml");
    await writeFile(datasetFile, YAML.stringify(dataset));
    const args = [
      ...jvmFlags(options.maxHeap ?? maxHeap),
      "-cp",
      `${runnerDir}/*`,
      MAIN_CLASS,
      "--datasetConfig",
      datasetFile,
    ];
    if (catalog) {
      const catalogFile = join(workdir, "catalog.yaml");
      await writeFile(catalogFile, YAML.stringify(catalog));
      args.push("--icebergCatalogConfig", catalogFile);
    }
    const { exitCode, stdout, stderr } = await launch(java, args, { cwd: workdir, env, onOutput: options.onOutput });
    return judge(dataset, exitCode, stdout, stderr);
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
}

async function loadInputs(
  options: RunOptions,
  cwd: string,
): Promise<{ dataset: DatasetConfig; catalog: CatalogConfig | undefined; maxHeap: string }> {
  if (options.config && options.pipeline)
    throw new XTableConfigError("give either --config or --pipeline with --step, not both.");
  if (options.config) {
    const dataset = await loadConfigFile(resolve(cwd, options.config), datasetConfigSchema, "dataset config");
    const catalog = options.catalog
      ? await loadConfigFile(resolve(cwd, options.catalog), catalogConfigSchema, "catalog config")
      : undefined;
    return { dataset, catalog, maxHeap: "2g" };
  }
  if (!options.pipeline)
    throw new XTableConfigError("nothing to run: give --config <dataset.yaml> or --pipeline <spec> --step <id>.");
  if (!options.step)
    throw new XTableConfigError(`--pipeline ${options.pipeline} needs --step <id> naming its xtable step.`);
  if (options.catalog)
    throw new XTableConfigError("--catalog goes with --config; a spec step's catalog comes from its glueCatalog.");
  const [pipeline] = await validatePipelines({ paths: [options.pipeline], cwd });
  const steps = (pipeline?.pipeline.steps ?? []) as readonly { id: string; kind: string }[];
  const step = steps.find((s) => s.id === options.step);
  if (!step)
    throw new XTableConfigError(
      `${options.pipeline} has no step ${options.step}; its steps: ${steps.map((s) => s.id).join(", ")}.`,
    );
  if (step.kind !== "xtable")
    throw new XTableConfigError(
      `step ${options.step} of ${options.pipeline} is a ${step.kind} step, not an xtable step.`,
    );
  const xtable = step as XTableStep;
  const { dataset, catalog } = configsForStep(xtable, `step ${xtable.id} of ${options.pipeline}:`);
  return {
    dataset,
    catalog: catalog ? checkConfig(catalog, catalogConfigSchema, `step ${xtable.id}'s glueCatalog`) : undefined,
    maxHeap: xtable.maxHeap,
  };
}

/**
 * Feature detection on every local table, for feedback before a JVM starts; one
 * error naming every refused table. The runner checks every table again (remote
 * ones included) with the same rules.
 */
async function refuseMistranslatedTables(dataset: DatasetConfig): Promise<void> {
  const refused: UnsupportedDeltaFeatureError[] = [];
  for (const d of dataset.datasets) {
    if (!isLocalPath(d.tableBasePath)) continue; // the runner checks remote tables
    const snapshot = await readDeltaSnapshot(stripFileScheme(d.tableBasePath));
    const features = detectUnsupportedFeatures(snapshot, dataset.targetFormats);
    if (features.length > 0)
      refused.push(new UnsupportedDeltaFeatureError(`${d.tableName} (${snapshot.tablePath})`, features));
  }
  if (refused.length === 1) throw refused[0]!;
  if (refused.length > 1)
    throw new UnsupportedDeltaFeatureError(
      refused.map((e) => e.table).join(", "),
      refused.flatMap((e) => e.features),
    );
}

/**
 * `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH.
 * @throws {XTableSetupError} when there is none
 */
export function findJava(env: NodeJS.ProcessEnv): string {
  const hint = "install a Java 17 runtime (e.g. the openjdk-17-jre-headless package) or set JAVA_HOME";
  if (env.JAVA_HOME) {
    const java = join(env.JAVA_HOME, "bin", "java");
    if (!isExecutable(java))
      throw new XTableSetupError(
        `Java not found: JAVA_HOME is ${env.JAVA_HOME}, but ${java} is not an executable file; ${hint}.`,
      );
    return java;
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const java = join(dir, "java");
    if (isExecutable(java)) return java;
  }
  throw new XTableSetupError(`Java not found: no java on PATH and JAVA_HOME is not set; ${hint}.`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

async function launch(
  java: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; onOutput: RunOptions["onOutput"] },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = execa(java, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    lines: false,
    stripFinalNewline: false,
  });
  for (const [stream, name] of [
    [child.stdout, "stdout"],
    [child.stderr, "stderr"],
  ] as const) {
    let pending = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) options.onOutput?.(line.replace(/\r$/, ""), name);
    });
    stream?.on("end", () => {
      if (pending) options.onOutput?.(pending, name);
    });
  }
  const r = await child;
  if (r.failed && r.exitCode === undefined) {
    const cause = r.signal ? `it was killed by ${r.signal}` : (r.message ?? "").split("\n")[0];
    throw new XTableSetupError(`could not run Java (${java}): ${cause}.`);
  }
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
}

/**
 * Judges a finished run: every dataset × format must be SUCCESS, on exactly
 * one well-formed result line, with exit code 0.
 * @throws {XTableConfigError} exit 2 (the runner rejected its input)
 * @throws {XTableSyncError} anything else that is not a full success
 */
export function judge(dataset: DatasetConfig, exitCode: number, stdout: string, stderr: string): RunResult {
  const resultLines = stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith(RESULT_PREFIX));
  const expected = dataset.datasets.flatMap((d) => dataset.targetFormats.map((f) => `${d.tableName} (${f})`));
  if (exitCode === 2) {
    const paragraph =
      stderr
        .trim()
        .split(/\n\s*\n/)
        .pop()
        ?.trim() ?? "";
    throw new XTableConfigError(
      `the XTable runner rejected its input (exit 2), nothing was synced: ${paragraph || "it gave no reason"}`,
    );
  }
  const problems: string[] = [];
  let datasets: DatasetResult[] = [];
  if (resultLines.length !== 1) {
    problems.push(
      resultLines.length === 0
        ? `the runner printed no '${RESULT_PREFIX}' line`
        : `the runner printed ${resultLines.length} result lines instead of one`,
    );
  } else {
    try {
      datasets = parseResultLine(resultLines[0]!);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const refused = datasets.filter((d) => d.status === "REFUSED");
  const failed = datasets.filter((d) => d.status !== "SUCCESS" && d.status !== "REFUSED");
  const reported = new Set(datasets.map((d) => `${d.table} (${d.format})`));
  const missing = expected.filter((e) => !reported.has(e));
  const named = (list: DatasetResult[]) =>
    list.map((d) => `${d.table} (${d.format})${d.error ? `: ${d.error}` : ""}`).join("; ");
  if (failed.length > 0) problems.unshift(`failed: ${named(failed)}`);
  if (refused.length > 0) problems.unshift(`refused: ${named(refused)}`);
  if (missing.length > 0 && resultLines.length === 1) problems.push(`no result for ${missing.join(", ")}`);
  if (exitCode !== 0) problems.push(exitCode < 0 ? "the JVM was killed" : `the JVM exited with code ${exitCode}`);
  if (stdout.includes("java.lang.OutOfMemoryError") || stderr.includes("java.lang.OutOfMemoryError"))
    problems.push("the JVM ran out of memory (raise --max-heap)");
  if (problems.length > 0) {
    const notRun = resultLines.length !== 1 ? ` Not known to have synced: ${expected.join(", ")}.` : "";
    throw new XTableSyncError(`XTable sync failed: ${problems.join("; ")}.${notRun}`);
  }
  return { exitCode, datasets };
}

/** Parses the JSON of a result line; Error with what is wrong. */
export function parseResultLine(line: string): DatasetResult[] {
  let data: unknown;
  try {
    data = JSON.parse(line.trim().slice(RESULT_PREFIX.length));
  } catch (error) {
    throw new Error(`the result line is not valid JSON (${(error as Error).message})`);
  }
  const d = data as { ok?: unknown; datasets?: unknown };
  if (typeof d !== "object" || d === null || typeof d.ok !== "boolean" || !Array.isArray(d.datasets))
    throw new Error("the result line is not an object with a boolean 'ok' and a 'datasets' list");
  const out = d.datasets.map((e: Record<string, unknown>): DatasetResult => {
    if (typeof e?.table !== "string" || typeof e.format !== "string" || typeof e.status !== "string")
      throw new Error(`the result entry ${JSON.stringify(e)} lacks a string 'table', 'format' or 'status'`);
    return {
      table: e.table,
      format: e.format,
      status: e.status,
      error: e.error === null || e.error === undefined ? null : String(e.error),
      sync: typeof e.sync === "string" ? e.sync : null,
      ...(Array.isArray(e.refusals)
        ? {
            refusals: (e.refusals as Record<string, unknown>[]).map((r) => ({
              feature: String(r?.feature),
              detail: String(r?.detail),
            })),
          }
        : {}),
    };
  });
  if (!d.ok && out.every((r) => r.status === "SUCCESS"))
    out.push({ table: "(run)", format: "-", status: "FAILED", error: "the runner reported ok=false" });
  return out;
}
