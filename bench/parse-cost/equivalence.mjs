/**
 * What keeps the parse-cost comparison fair: the three variants must build
 * the same DAGs with the same arguments. driver.py fills a DagBag from each
 * folder and writes what it holds (`--shape`); here the shapes are compared
 * field by field, and any difference stops the benchmark with the fields
 * that differ.
 *
 * (b) and (c) are written by bench/parse-cost/generate.mjs, which mirrors
 * pipegen's renderer (src/render/steps/*); when the renderer changes, this
 * check is what notices (npm test runs it through the quick mode).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DRIVER = fileURLToPath(new URL("./driver.py", import.meta.url));

/** The python of the venv test/python/setup-venvs.sh builds for `version`. */
export const venvPython = (version) => path.join(ROOT, `.cache/venvs/bench-dagfactory-${version}/bin/python`);

/** The caller's Airflow settings must not leak in; Python's default bytecode cache stays on. */
function driverEnv() {
  const env = { ...process.env };
  delete env.PYTHONDONTWRITEBYTECODE;
  for (const k of Object.keys(env)) if (k.startsWith("AIRFLOW")) delete env[k];
  return env;
}

/**
 * Runs driver.py on one folder in a fresh process and returns its JSON plus
 * the process's wall time. Throws unless the bag holds exactly `n` DAGs and
 * no import errors.
 */
export function runDriver(version, folder, n, mode, { shape } = {}) {
  const args = [DRIVER, folder, "--expect", String(n), "--mode", mode, ...(shape ? ["--shape", shape] : [])];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(venvPython(version), args, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: driverEnv(),
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  let out;
  try {
    out = JSON.parse(r.stdout.trim().split("\n").at(-1));
  } catch {
    throw new Error(`driver failed on ${folder} (${mode}, exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  }
  if (r.status !== 0) {
    const errs = Object.entries(out.import_errors ?? {})
      .slice(0, 3)
      .map(([f, e]) => `${f}: ${e.slice(-600)}`)
      .join("\n");
    throw new Error(
      `${folder} (${mode}): ${out.dags} DAGs instead of ${n}, ${Object.keys(out.import_errors ?? {}).length} import errors\n${errs}\n${r.stderr.slice(-3000)}`,
    );
  }
  return { ...out, process_wall_s: wall };
}

const isObject = (x) => x !== null && typeof x === "object" && !Array.isArray(x);

/**
 * Every place where two shapes differ, as {path, want, got}; `undefined`
 * stands for "absent". Lists are compared element by element (task ids in
 * `upstream` are sorted by the driver, so order matters only where it means
 * something).
 */
export function shapeDifferences(want, got, at = []) {
  if (isObject(want) && isObject(got)) {
    const keys = [...new Set([...Object.keys(want), ...Object.keys(got)])].sort();
    return keys.flatMap((k) => shapeDifferences(want[k], got[k], [...at, k]));
  }
  if (Array.isArray(want) && Array.isArray(got) && want.length === got.length)
    return want.flatMap((w, i) => shapeDifferences(w, got[i], [...at, String(i)]));
  return JSON.stringify(want) === JSON.stringify(got) ? [] : [{ path: at, want, got }];
}

const show = (v) => (v === undefined ? "(absent)" : JSON.stringify(v));

/** The first `limit` differences as lines: `dag › tasks › task › argument: (a) … vs (b) …`. */
export function describeDifferences(diffs, wantLabel, gotLabel, limit = 12) {
  const lines = diffs
    .slice(0, limit)
    .map((d) => `  ${d.path.join(" › ")}: ${wantLabel} ${show(d.want)} vs ${gotLabel} ${show(d.got)}`);
  if (diffs.length > limit) lines.push(`  … and ${diffs.length - limit} more`);
  return lines.join("\n");
}

const LABEL = { pipegen: "(a)", dagfactory: "(b)", handwritten: "(c)" };

/**
 * Fills a DagBag from each of the three folders (each in a fresh process)
 * and throws unless all hold the same N DAGs, tasks, edges and arguments.
 * Returns the driver's output per variant (these fills double as the
 * benchmark's warm-up: they write `__pycache__`).
 */
export function checkSameBags(version, folders, n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parse-cost-shapes-"));
  try {
    const outs = {};
    const shapes = {};
    for (const [variant, folder] of Object.entries(folders)) {
      const file = path.join(dir, `${variant}.json`);
      outs[variant] = runDriver(version, folder, n, "fill", { shape: file });
      shapes[variant] = JSON.parse(fs.readFileSync(file, "utf8"));
    }
    const problems = Object.keys(folders)
      .filter((v) => v !== "pipegen")
      .map((v) => [v, shapeDifferences(shapes.pipegen, shapes[v])])
      .filter(([, diffs]) => diffs.length > 0)
      .map(
        ([v, diffs]) =>
          `${v} differs from pipegen in ${diffs.length} place${diffs.length === 1 ? "" : "s"}:\n${describeDifferences(diffs, LABEL.pipegen, LABEL[v])}`,
      );
    if (problems.length > 0)
      throw new Error(
        `Airflow ${version}, N=${n}: the three variants do not build the same DAGs with the same arguments.\n${problems.join("\n")}\n` +
          "(b) and (c) come from bench/parse-cost/generate.mjs, which mirrors src/render/steps/*: bring it in line with the renderer.",
      );
    return outs;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
