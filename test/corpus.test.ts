/**
 * The adversarial corpus (test/corpus/): odd but legal specs, each rendered
 * by the built bin for every Airflow major the test venvs hold and checked
 * end to end in real Airflow; and illegal specs, each refused with
 * file:line:col and exit 1.
 *
 * Legal specs (test/corpus/legal/, and legal-3.1/ for options that need
 * Airflow 3.1+) say what some rendered fields must be, in comments:
 *   # rendered: <task_id>.<field> = <JSON value>     (YAML; `//` in TypeScript)
 * Every other templated field is checked against the spec itself: date
 * placeholders become the dates of the run, and text comes back as written.
 * Illegal specs (test/corpus/illegal/) say what validate must report:
 *   # expect: <line>:<col> <text the message contains>
 */
import { access, cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpec } from "../src/load/index.js";
import type { Pipeline } from "../src/spec/pipeline.js";
import type { PLACEHOLDERS } from "../src/spec/placeholders.js";
import type { Step } from "../src/spec/steps/index.js";
import { type ValidSpec, validateSpec } from "../src/validate/index.js";
import { pipegen, ROOT } from "./helpers/cli.js";
import { GOLDEN_TARGETS } from "./helpers/golden.js";
import { pythonJson, venvBin } from "./helpers/python.js";

const CORPUS = `${ROOT}test/corpus`;
const RULES = ["E4", "E7", "E9", "F", "I", "B", "UP", "AIR"];

// A scheduled run for the interval 2024-03-05 06:00 → 2024-03-06 06:00; a manual run triggered 2024-03-07 10:00.
const START = "2024-03-05T06:00:00+00:00";
const END = "2024-03-06T06:00:00+00:00";
const RUN_AFTER = "2024-03-07T10:00:00+00:00";

interface InspectedTask {
  class: string;
  /** S3KeySensor: what S3Hook.get_s3_bucket_key makes of the rendered key. */
  sensed_scheduled?: [string, string] | { error: string };
  upstream: string[];
  trigger_rule: string;
  rendered_scheduled: Record<string, unknown>;
  rendered_manual: Record<string, unknown>;
}
interface Inspection {
  airflow_version: string;
  import_errors: Record<string, string>;
  dags: Record<
    string,
    {
      start_date: string | null;
      timetable: string | null;
      first_interval_from_start: { start: string; end: string; run_after: string } | { error: string } | null;
      serialization_error: string | null;
      tasks: Record<string, InspectedTask>;
    }
  >;
}

/** Spec files of a corpus folder, with their text. */
async function specFiles(folder: string): Promise<Array<{ file: string; text: string }>> {
  const names = (await readdir(`${CORPUS}/${folder}`)).filter((n) => /\.pipeline\.(ya?ml|ts)$/.test(n)).sort();
  return Promise.all(
    names.map(async (n) => ({
      file: `test/corpus/${folder}/${n}`,
      text: await readFile(`${CORPUS}/${folder}/${n}`, "utf8"),
    })),
  );
}

/** `# rendered: task.field = json` lines of a spec. */
function renderedExpectations(text: string): Array<{ task: string; field: string; value: unknown }> {
  return [...text.matchAll(/^\s*(?:#|\/\/) rendered: (\w+)\.(\w+) = (.*)$/gm)].map((m) => ({
    task: m[1]!,
    field: m[2]!,
    value: JSON.parse(m[3]!),
  }));
}

/** The tasks a step becomes and the task downstream steps wait for, by pipegen's documented rules. */
function stepTasks(step: Step): string[] {
  const sensor = (step.kind === "glueCrawler" || step.kind === "glueJob") && step.wait === "sensor";
  return sensor ? [step.id, `wait_for_${step.id}`] : [step.id];
}

/** task id → sorted upstream task ids, from the spec alone. */
function expectedUpstream(spec: ValidSpec): Record<string, string[]> {
  const steps = spec.pipeline.steps as Step[];
  const last = new Map(steps.map((s) => [s.id, stepTasks(s).at(-1)!]));
  const out: Record<string, string[]> = {};
  steps.forEach((s, i) => {
    const after = s.after ?? (i > 0 ? [steps[i - 1]!.id] : []);
    const tasks = stepTasks(s);
    out[tasks[0]!] = after.map((a) => last.get(a)!).sort();
    if (tasks[1]) out[tasks[1]] = [tasks[0]!];
  });
  return out;
}

/** A date placeholder's value for a date given as an ISO string. */
function dateValues(iso: string): Record<string, string> {
  const [date, time] = iso.split("T") as [string, string];
  const [y, m, d] = date.split("-") as [string, string, string];
  const values: Record<keyof typeof PLACEHOLDERS, string> = {
    YYYY: y,
    MM: m,
    DD: d,
    HH: time.slice(0, 2),
    DATE: date,
    DATE_NODASH: `${y}${m}${d}`,
  };
  return values;
}

/** Text as a run renders it: date placeholders for the date, `${params.<name>}` as Python prints the default. */
function withDates(text: string, iso: string, params: Pipeline["params"] = {}): string {
  const values = dateValues(iso);
  const python = (v: unknown) => (v === null ? "None" : v === true ? "True" : v === false ? "False" : String(v));
  return text
    .replace(/\$\{(\w+)\}/g, (_, name: string) => values[name] ?? `\${${name}}`)
    .replace(/\$\{params\.(\w+)\}/g, (m, name: string) => (name in params ? python(params[name]!.default) : m));
}

/** Templated fields whose rendered value follows from the spec alone (no raw Jinja in them). */
function literalFields(step: Step): Array<{ task: string; field: string; text: string | string[]; url?: string }> {
  const plain = (t: string) => !/\{[{%#]/.test(t);
  const out: Array<{ task: string; field: string; text: string | string[]; url?: string }> = [];
  switch (step.kind) {
    case "s3Sensor":
      if (plain(step.key))
        out.push({ task: step.id, field: "bucket_key", text: step.key, url: `s3://${step.bucket}/` });
      break;
    case "redshiftSql": {
      const sql = typeof step.sql === "string" ? [step.sql] : step.sql;
      if (sql.every(plain)) out.push({ task: step.id, field: "sql", text: sql.length === 1 ? sql[0]! : sql });
      break;
    }
    case "unload":
      // The provider's operator takes the query as it is; pipegen's own UNLOAD statement quotes it (checked by the `# rendered:` lines).
      if (step.legacyOperator && step.query !== undefined && plain(step.query))
        out.push({ task: step.id, field: "select_query", text: step.query });
      break;
    default:
      break;
  }
  return out;
}

describe.each(GOLDEN_TARGETS)("the legal corpus on Airflow %s", (version) => {
  const folders = version.startsWith("3.") ? ["legal", "legal-3.1"] : ["legal"];
  let work: string;
  let dags: string;
  let bag: Inspection;
  let specs: Array<{ file: string; text: string; spec: ValidSpec }>;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "pipegen-corpus-"));
    for (const f of folders) await cp(`${CORPUS}/${f}`, `${work}/specs/${f}`, { recursive: true });
    const r = await pipegen(["render", "specs", "--out", "out", "--airflow-version", version, "-q"], { cwd: work });
    if (r.exitCode !== 0) throw new Error(`render failed (${r.exitCode}):\n${r.stderr}`);
    dags = `${work}/out/dags`;
    specs = [];
    for (const f of folders)
      for (const { file, text } of await specFiles(f)) {
        const loaded = await loadSpec(`${ROOT}${file}`, ROOT);
        if (Array.isArray(loaded)) throw new Error(`${file} does not load`);
        const valid = validateSpec(loaded, { airflowVersion: version });
        if (Array.isArray(valid)) throw new Error(`${file} is invalid: ${valid.map((p) => p.message).join("; ")}`);
        specs.push({ file, text, spec: valid });
      }
    bag = await pythonJson<Inspection>(`airflow-${version}`, [
      "test/python/inspect_dags.py",
      dags,
      "--data-interval-start",
      START,
      "--data-interval-end",
      END,
      "--run-after",
      RUN_AFTER,
      "--render-all",
    ]);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it("imports and serializes every DAG, with no import error", () => {
    expect(bag.airflow_version).toBe(version);
    expect(bag.import_errors).toEqual({});
    expect(Object.keys(bag.dags).sort()).toEqual(specs.map((s) => s.spec.pipeline.id).sort());
    for (const [id, dag] of Object.entries(bag.dags)) expect([id, dag.serialization_error]).toEqual([id, null]);
  });

  it("has exactly the tasks and edges the specs describe", () => {
    for (const { spec } of specs) {
      const tasks = bag.dags[spec.pipeline.id]!.tasks;
      const got = Object.fromEntries(Object.entries(tasks).map(([id, t]) => [id, t.upstream]));
      expect([spec.pipeline.id, got]).toEqual([spec.pipeline.id, expectedUpstream(spec)]);
    }
  });

  it("starts every DAG at its start date, and gives every scheduled DAG a first data interval", () => {
    for (const { spec } of specs) {
      const p = spec.pipeline;
      const dag = bag.dags[p.id]!;
      const iso = p.startDate.length === 10 ? `${p.startDate}T00:00:00` : p.startDate.replace(/Z$/, "");
      const full = iso.length === 16 ? `${iso}:00` : iso;
      expect([p.id, dag.start_date]).toEqual([p.id, `${full}+00:00`]);
      const repeats = typeof p.schedule === "string" && !["none", "@once", "@continuous"].includes(p.schedule);
      if (repeats)
        expect([p.id, dag.first_interval_from_start]).toEqual([
          p.id,
          { start: expect.any(String), end: expect.any(String), run_after: expect.any(String) },
        ]);
    }
  });

  it("renders every templated field of every task against a real run context", () => {
    const manualDate = version.startsWith("2.") ? START : RUN_AFTER;
    for (const { text, spec } of specs) {
      const tasks = bag.dags[spec.pipeline.id]!.tasks;
      for (const [taskId, t] of Object.entries(tasks))
        for (const [field, value] of Object.entries(t.rendered_scheduled))
          expect([spec.pipeline.id, taskId, field, value]).not.toEqual([
            spec.pipeline.id,
            taskId,
            field,
            expect.objectContaining({ error: expect.any(String) }),
          ]);
      for (const step of spec.pipeline.steps as Step[])
        for (const f of literalFields(step)) {
          const want = (iso: string) =>
            Array.isArray(f.text)
              ? f.text.map((t) => withDates(t, iso, spec.pipeline.params))
              : withDates(f.text, iso, spec.pipeline.params);
          const task = tasks[f.task]!;
          // A sensor key with a URL scheme is sensed as s3://<bucket>/<key>.
          const value = (v: unknown) => (typeof v === "string" && f.url ? v.replace(f.url, "") : v);
          expect([f.task, f.field, value(task.rendered_scheduled[f.field])]).toEqual([f.task, f.field, want(START)]);
          expect([f.task, f.field, value(task.rendered_manual[f.field])]).toEqual([f.task, f.field, want(manualDate)]);
        }
      for (const step of spec.pipeline.steps as Step[])
        if (step.kind === "s3Sensor") {
          const key = tasks[step.id]!.rendered_scheduled.bucket_key;
          // Every poke asks S3 for the spec's bucket and the key as rendered.
          expect([step.id, tasks[step.id]!.sensed_scheduled]).toEqual([
            step.id,
            [step.bucket, typeof key === "string" ? key.replace(`s3://${step.bucket}/`, "") : key],
          ]);
          if (!/\{[{%#]/.test(step.key))
            expect([step.id, tasks[step.id]!.sensed_scheduled]).toEqual([
              step.id,
              [step.bucket, withDates(step.key, START, spec.pipeline.params)],
            ]);
        }
      for (const e of renderedExpectations(text))
        expect([e.task, e.field, tasks[e.task]?.rendered_scheduled[e.field]]).toEqual([e.task, e.field, e.value]);
    }
  });

  it("passes ruff check (its default rules and the project's) and ruff format --check", async () => {
    const ruff = venvBin("tools", "ruff");
    const ignore = version.startsWith("2.") ? ["--ignore", "AIR311,AIR321"] : [];
    const checks = [
      ["check", "--isolated"],
      ["check", "--isolated", "--preview", "--select", RULES.join(","), ...ignore, "--target-version", "py311"],
      ["format", "--isolated", "--check"],
    ];
    for (const args of checks) {
      const r = await execa(ruff, [...args, "--no-cache", "--output-format", "concise", dags], { reject: false });
      expect(r.exitCode, `ruff ${args.join(" ")}:\n${r.stdout}`).toBe(0);
    }
  });

  it("hides pipegen's operator package and nothing else, whichever .airflowignore syntax Airflow uses", async () => {
    const all = (await readdir(dags, { recursive: true })).filter((f) => f.endsWith(".py")).sort();
    const wanted = all.filter((f) => !f.startsWith("pipegen_xtable/"));
    expect(wanted.length).toBeLessThan(all.length);
    for (const syntax of ["regexp", "glob"]) {
      const r = await execa(venvBin(`airflow-${version}`, "python"), [
        `${ROOT}test/python/list_dag_files.py`,
        dags,
        syntax,
      ]);
      // Airflow may log to stdout first: the listing is the last line.
      expect([syntax, JSON.parse(r.stdout.trim().split("\n").at(-1)!)]).toEqual([syntax, wanted]);
    }
  });
});

describe("the illegal corpus", () => {
  it("refuses every spec with file:line:col and exit 1, and render writes nothing", async () => {
    const files = await specFiles("illegal");
    expect(files.length).toBeGreaterThan(0);
    for (const { file, text } of files) {
      const expected = [...text.matchAll(/^\s*(?:#|\/\/) expect: (\d+:\d+) (.*)$/gm)].map((m) => ({
        at: `${file}:${m[1]}`,
        says: m[2]!,
      }));
      expect([file, expected.length]).not.toEqual([file, 0]);
      const r = await pipegen(["validate", file]);
      expect([file, r.exitCode]).toEqual([file, 1]);
      const lines = r.stderr.split("\n");
      for (const e of expected)
        expect([file, lines.some((l) => l.startsWith(`${e.at} `) && l.includes(e.says))], r.stderr).toEqual([
          file,
          true,
        ]);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      const out = await mkdtemp(path.join(tmpdir(), "pipegen-illegal-"));
      const rendered = await pipegen(["render", file, "--out", `${out}/dist`]);
      expect([file, rendered.exitCode, await readdir(out)]).toEqual([file, 1, []]);
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe.each(GOLDEN_TARGETS)("a spec in a folder whose name is Python code, on Airflow %s", (version) => {
  it("renders a header comment that stays a comment: importing the DAG runs nothing", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "pipegen-hostile-path-"));
    try {
      // The folder name may not hold "/": the marker goes to the temp folder by name.
      const name = path.basename(work);
      const marker = path.join(tmpdir(), `${name}-PWNED`);
      const code = `import pathlib, tempfile; pathlib.Path(tempfile.gettempdir(), "${name}-PWNED").touch()`;
      const folder = `x\n${code}\n#`;
      await mkdir(`${work}/${folder}`);
      await cp(`${CORPUS}/legal/a.pipeline.yaml`, `${work}/${folder}/a.pipeline.yaml`);
      const r = await pipegen(["render", folder, "--out", "out", "--airflow-version", version, "-q"], { cwd: work });
      expect(r.exitCode, r.stderr).toBe(0);
      const header = (await readFile(`${work}/out/dags/a.py`, "utf8")).split("\n")[0];
      expect(header).toBe(`# Generated by pipegen from x\\n${code}\\n#/a.pipeline.yaml — do not edit.`);
      const bag = await pythonJson<Inspection>(`airflow-${version}`, [
        "test/python/inspect_dags.py",
        `${work}/out/dags`,
        "--data-interval-start",
        START,
        "--data-interval-end",
        END,
      ]);
      expect(bag.import_errors).toEqual({});
      expect(Object.keys(bag.dags)).toEqual(["a"]);
      await expect(access(marker)).rejects.toThrow();
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
