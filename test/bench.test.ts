/**
 * The benchmarks stay true. Every benchmark in bench/benchmarks.mjs runs in
 * its quick mode and must pass its own correctness checks (times are never
 * checked here: they belong in the full runs and bench/RESULTS.md). The
 * parse-cost comparison is fair only while its three variants build the same
 * DAGs with the same arguments: the check that says so must catch any
 * difference (a canary proves it against real Airflow), and the quick run
 * must meet every kind of step and option the full run meets.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { BENCHMARKS } from "../bench/benchmarks.mjs";
import { commandLine, provenanceLine } from "../bench/lib/results.mjs";
import { checkSameBags, shapeDifferences } from "../bench/parse-cost/equivalence.mjs";
import { makePipeline, OPS, taskModel } from "../bench/parse-cost/generate.mjs";
import { type Inputs, prepareInputs } from "../bench/parse-cost/inputs.mjs";
import { taskGraph } from "../src/render/task-graph.js";
import { resolvePipeline } from "../src/resolve/index.js";
import { validateSpec } from "../src/validate/index.js";
import { ROOT } from "./helpers/cli.js";
import { setupVenvs } from "./helpers/python.js";
import { commandProblem, provenanceOf, sectionsOf, shellWords } from "./helpers/results-md.js";

/** The options a benchmark's command line comes to (its --check-args). */
async function optionsOf(command: readonly string[], args: readonly string[]): Promise<Record<string, unknown>> {
  const r = await execa(command[0]!, [...command.slice(1), ...args, "--check-args"], { cwd: ROOT });
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe.each(BENCHMARKS)("benchmark $name, quick mode", (bench) => {
  beforeAll(async () => {
    if (bench.venvs.length > 0) await setupVenvs(bench.venvs);
  });

  it("runs, passes its correctness checks and leaves RESULTS.md alone", { timeout: 20 * 60_000 }, async () => {
    const resultsBefore = readFileSync(`${ROOT}bench/RESULTS.md`, "utf8");
    const started = performance.now();
    // npm test has built pipegen; rebuilding here would race the other test files.
    const r = await execa(bench.command[0]!, [...bench.command.slice(1), "--quick", "--no-build"], {
      cwd: ROOT,
      reject: false,
      env: { NO_COLOR: "1" },
    });
    // For whoever reads the log (what the quick mode adds to npm test); never asserted.
    console.log(`${bench.name} --quick: ${((performance.now() - started) / 1000).toFixed(0)} s`);
    expect(r.exitCode, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-4000)}`).toBe(0);
    const passed = r.stderr
      .split("\n")
      .filter((l) => l.startsWith("check passed: "))
      .map((l) => l.slice("check passed: ".length));
    for (const check of bench.checks)
      expect(
        passed.some((p) => check.test(p)),
        `${check} among:\n${passed.join("\n")}`,
      ).toBe(true);
    expect(readFileSync(`${ROOT}bench/RESULTS.md`, "utf8")).toBe(resultsBefore);
  });
});

/**
 * What a generated pipeline exercises in the generator and the renderer:
 * step kinds, the options each step sets, the values of its switches, fan-in,
 * and the pipeline-level options.
 */
function features(spec: ReturnType<typeof makePipeline>): string[] {
  const out = [
    `schedule:${spec.schedule.startsWith("@") ? spec.schedule : spec.schedule.split(" ").at(-1) === "*" ? "cron" : "cron-weekdays"}`,
    ...Object.keys(spec.connections.redshift).map((k) => `redshift.${k}`),
    ...Object.keys(spec.defaults).map((k) => `defaults.${k}`),
    ...(spec.dagrunTimeout ? ["dagrunTimeout"] : []),
  ];
  const switches = ["mode", "wait", "triggerRule", "verbose", "targetFormats"];
  for (const step of spec.steps) {
    for (const [key, value] of Object.entries(step)) {
      out.push(`${step.kind}.${key}`);
      if (switches.includes(key)) out.push(`${step.kind}.${key}=${JSON.stringify(value)}`);
    }
    if (typeof step.role === "string") out.push(`${step.kind}.role:${step.role.startsWith("arn:") ? "arn" : "name"}`);
    if (typeof step.key === "string") out.push(`${step.kind}.key:${/[*?[]/.test(step.key) ? "wildcard" : "exact"}`);
    if (step.sql !== undefined) out.push(`${step.kind}.sql:${Array.isArray(step.sql) ? "list" : "string"}`);
    if (Array.isArray(step.after) && step.after.length > 1) out.push(`${step.kind}.after:fan-in`);
    if (step.kind === "glueJob" && step.verbose) out.push(`glueJob.verbose+wait=${step.wait}`);
    if (step.kind === "glueJob" && step.executionTimeout) out.push(`glueJob.executionTimeout+wait=${step.wait}`);
  }
  return out;
}

/** Every feature the first `n` pipelines of a seed exercise. */
const featuresOf = (n: number, seed: number) =>
  new Set(Array.from({ length: n }, (_, i) => features(makePipeline(i, seed))).flat());

describe("parse-cost quick mode", () => {
  it("meets every kind of step, option and switch that the full run meets, on the same Airflow versions", async () => {
    const quick = await optionsOf(["node", "bench/parse-cost/run.mjs"], ["--quick"]);
    const full = await optionsOf(["node", "bench/parse-cost/run.mjs"], []);
    const inQuick = featuresOf(Math.max(...(quick.n as number[])), quick.seed as number);
    const inFull = featuresOf(Math.max(...(full.n as number[])), full.seed as number);
    expect(inFull.size).toBeGreaterThan(40);
    expect([...inFull].filter((f) => !inQuick.has(f))).toEqual([]);
    expect(quick.airflow).toEqual(full.airflow);
  });

  it("would notice a quick run that meets fewer (8 pipelines miss some)", () => {
    const inFull = featuresOf(1000, 42);
    expect([...inFull].filter((f) => !featuresOf(8, 42).has(f)).length).toBeGreaterThan(0);
  });
});

/** A task as `task_id: module.Class(argument, …)`, argument names sorted. */
const signature = (taskId: string, operator: string, names: readonly string[]) =>
  `${taskId}: ${operator}(${[...names].sort().join(", ")})`;

/**
 * The generator keeps its own copy of what the renderer emits for each step
 * kind, so that (b) and (c) stay independent of pipegen's code. This names,
 * in about a second and without Airflow, each task where the copy has fallen
 * behind: another operator class, or other arguments. The values themselves
 * are compared in real Airflow by the quick run's equivalence check.
 */
describe("parse-cost generator: the operator classes and arguments pipegen renders, task by task", () => {
  it.each(["2.10.3", "3.3.1"] as const)("Airflow %s, the full run's 1,000 pipelines of seed 42", (version) => {
    const major = Number(version.split(".")[0]);
    const behind: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const spec = makePipeline(i, 42);
      const file = `pipelines/${spec.id}.pipeline.yaml`;
      const valid = validateSpec({ file, data: spec, locate: () => ({ line: 1, column: 1 }) });
      if (Array.isArray(valid)) throw new Error(`${file} is invalid: ${valid.map((p) => p.message).join("; ")}`);
      const rendered = taskGraph(resolvePipeline(valid, { airflowVersion: version })).tasks.map((t) =>
        signature(
          t.taskId,
          `${t.operator.module}.${t.operator.name}`,
          t.kwargs.filter(([, v]) => v !== undefined).map(([k]) => k),
        ),
      );
      const generated = taskModel(spec, major).tasks.map((t) =>
        signature(
          t.taskId,
          `${OPS[t.op]}.${t.op}`,
          t.kwargs.map(([k]) => k),
        ),
      );
      for (let j = 0; j < Math.max(rendered.length, generated.length); j++)
        if (rendered[j] !== generated[j])
          behind.push(`${spec.id}: renderer ${rendered[j] ?? "(none)"}\n  generator ${generated[j] ?? "(none)"}`);
    }
    expect(behind.slice(0, 5).join("\n"), `${behind.length} tasks differ`).toBe("");
  });
});

describe("parse-cost: comparing what two DagBags hold", () => {
  const dag = (tasks: Record<string, unknown>) => ({ d1: { dag_id: "d1", tasks } });
  const task = { class: "S3KeySensor", upstream: [], wildcard_match: false, timeout: 60 };
  it.each([
    { given: "identical bags", want: dag({ t: task }), got: dag({ t: task }), diffs: [] },
    {
      given: "an argument with another value",
      want: dag({ t: task }),
      got: dag({ t: { ...task, wildcard_match: true } }),
      diffs: [{ path: ["d1", "tasks", "t", "wildcard_match"], want: false, got: true }],
    },
    {
      given: "an argument only one side has",
      want: dag({ t: task }),
      got: dag({ t: { ...task, verbose: true } }),
      diffs: [{ path: ["d1", "tasks", "t", "verbose"], want: undefined, got: true }],
    },
    {
      given: "an edge missing",
      want: dag({ t: { ...task, upstream: ["a", "b"] } }),
      got: dag({ t: { ...task, upstream: ["a"] } }),
      diffs: [{ path: ["d1", "tasks", "t", "upstream"], want: ["a", "b"], got: ["a"] }],
    },
    {
      given: "a nested value (a dict argument)",
      want: dag({ t: { ...task, config: { Name: "x", Opts: [1, 2] } } }),
      got: dag({ t: { ...task, config: { Name: "x", Opts: [1, 3] } } }),
      diffs: [{ path: ["d1", "tasks", "t", "config", "Opts", "1"], want: 2, got: 3 }],
    },
    {
      given: "a task missing",
      want: dag({ t: task, u: task }),
      got: dag({ t: task }),
      diffs: [{ path: ["d1", "tasks", "u"], want: task, got: undefined }],
    },
    {
      given: "a DAG missing",
      want: { ...dag({ t: task }), d2: { dag_id: "d2", tasks: {} } },
      got: dag({ t: task }),
      diffs: [{ path: ["d2"], want: { dag_id: "d2", tasks: {} }, got: undefined }],
    },
    {
      given: "null against absent",
      want: dag({ t: { ...task, execution_timeout: null } }),
      got: dag({ t: task }),
      diffs: [{ path: ["d1", "tasks", "t", "execution_timeout"], want: null, got: undefined }],
    },
  ])("$given", ({ want, got, diffs }) => {
    expect(shapeDifferences(want, got)).toEqual(diffs);
  });
});

const OTHER_ROLE = "arn:aws:iam::444455556666:role/someone-elses-bucket-writer";

/** The two values of the difference the check reports at `at`, read back from its message. */
function differenceOf(message: string, at: string, gotLabel: "(b)" | "(c)"): { want: string; got: string } {
  const start = `  ${at}: (a) `;
  const line = message.split("\n").find((l) => l.startsWith(start));
  if (line === undefined) throw new Error(`no difference at ${at} in:\n${message}`);
  const sides = line.slice(start.length).split(` vs ${gotLabel} `);
  expect(sides, line).toHaveLength(2);
  return { want: JSON.parse(sides[0]!), got: JSON.parse(sides[1]!) };
}

/** Replaces exactly one match, so a canary can never silently become a no-op. */
function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`)) ?? [];
  if (matches.length !== 1) throw new Error(`canary: ${pattern} matches ${matches.length} times, not once`);
  return text.replace(pattern, replacement);
}

describe("parse-cost: the equivalence check catches a variant that differs (canary, real Airflow 2.10.3)", () => {
  const VERSION = "2.10.3";
  let dir: string;
  let inputs: Inputs;
  beforeAll(async () => {
    await setupVenvs([`bench-dagfactory-${VERSION}`]);
    dir = mkdtempSync(path.join(tmpdir(), "parse-cost-canary-"));
    inputs = prepareInputs({ dir, version: VERSION, n: 2, seed: 42 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports every changed argument and edge of (b) and (c), and nothing else", () => {
    // (c): a doubled slash in the destination of the UNLOAD statement (the kind
    // of bug that once went unnoticed in the object names), and a non-template
    // argument (the sensor's wildcard_match).
    const py = path.join(inputs.folders.handwritten, "orders_0000.py");
    let text = readFileSync(py, "utf8");
    text = replaceOnce(text, /(TO 's3:\/\/[^/']+\/)/, "$1/");
    const flipped = text.includes("wildcard_match=True") ? "wildcard_match=False" : "wildcard_match=True";
    text = replaceOnce(text, /wildcard_match=(True|False)/, flipped);
    writeFileSync(py, text);
    // (b): the role UNLOAD writes to S3 as, a non-template argument of a Redshift task, and an edge.
    const yamlFile = path.join(inputs.folders.dagfactory, "configs", "customers_0001.yaml");
    const doc = YAML.parse(readFileSync(yamlFile, "utf8"));
    const tasks = doc.customers_0001.tasks;
    tasks.unload_customers.sql = replaceOnce(tasks.unload_customers.sql, /IAM_ROLE \S+/, `IAM_ROLE '${OTHER_ROLE}'`);
    tasks.transform_customers.secret_arn += "-elsewhere";
    expect(tasks.load_customers.dependencies).toHaveLength(1);
    delete tasks.load_customers.dependencies;
    writeFileSync(yamlFile, YAML.stringify(doc, { lineWidth: 0 }));

    let message = "";
    try {
      checkSameBags(VERSION, inputs.folders, 2);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("handwritten differs from pipegen in 2 places:");
    const unloadOrders = differenceOf(message, "orders_0000 › tasks › unload_orders › sql", "(c)");
    expect(unloadOrders.want).toMatch(/^UNLOAD \('SELECT .*'\) TO 's3:\/\/orders-exports-.*' IAM_ROLE /);
    expect(unloadOrders.want).not.toMatch(/s3:\/\/.*\/\//);
    expect(unloadOrders.got).toBe(unloadOrders.want.replace(/(TO 's3:\/\/[^/']+\/)/, "$1/"));
    expect(message).toMatch(
      /orders_0000 › tasks › wait_for_orders › wildcard_match: \(a\) (true|false) vs \(c\) (true|false)/,
    );
    expect(message).toContain("dagfactory differs from pipegen in 3 places:");
    const unloadCustomers = differenceOf(message, "customers_0001 › tasks › unload_customers › sql", "(b)");
    expect(unloadCustomers.want).toMatch(
      /^UNLOAD \('SELECT .*'\) TO 's3:\/\/customers-exports-.* IAM_ROLE (default|'arn:[^']*') /,
    );
    expect(unloadCustomers.got).toBe(unloadCustomers.want.replace(/IAM_ROLE \S+/, `IAM_ROLE '${OTHER_ROLE}'`));
    expect(message).toMatch(
      /customers_0001 › tasks › transform_customers › secret_arn: \(a\) "arn:[^"]*" vs \(b\) "arn:[^"]*-elsewhere"/,
    );
    expect(message).toMatch(/customers_0001 › tasks › load_customers › upstream: \(a\) \["[a-z_]+"\] vs \(b\) \[\]/);
  });
});

describe("bench/RESULTS.md: every results section says where its numbers come from", () => {
  const sections = sectionsOf(readFileSync(`${ROOT}bench/RESULTS.md`, "utf8"));
  const results = sections.filter((s) => !s.name.endsWith("-notes"));
  const notes = sections.filter((s) => s.name.endsWith("-notes"));
  const benchOf = (name: string) => BENCHMARKS.find((b) => b.name === name);

  it("holds sections of the benchmarks in bench/benchmarks.mjs only, and notes on those sections", () => {
    expect(results.length).toBeGreaterThan(0);
    expect(results.map((s) => s.name).filter((name) => !benchOf(name))).toEqual([]);
    expect(
      notes.map((s) => s.name.replace(/-notes$/, "")).filter((name) => !results.some((s) => s.name === name)),
    ).toEqual([]);
  });

  it.each(results)(
    "$name: names the commit it measured (no uncommitted changes) and a command that still runs",
    async ({ name, body }) => {
      const lines = provenanceOf(body);
      expect(lines, "exactly one 'Produced by `…` at commit …' line").toHaveLength(1);
      expect(lines[0]!.rest).not.toMatch(/uncommitted/);
      expect(await commandProblem(lines[0]!.command, benchOf(name)!)).toBeUndefined();
    },
  );

  // A reading of the numbers goes stale when the numbers are measured again.
  it.each(notes)(
    "$name: names the commit of the run it reads, the one in the section it comments on",
    ({ name, body }) => {
      const section = results.find((s) => `${s.name}-notes` === name)!;
      const { commit } = provenanceOf(section.body)[0]!;
      expect(body).toContain(`the run at commit ${commit}`);
    },
  );
});

describe("a command recorded in RESULTS.md that no longer runs is caught", () => {
  const parseCost = BENCHMARKS.find((b) => b.name === "parse-cost")!;
  it.each([
    { given: "the full run's command", bench: parseCost, command: "node bench/parse-cost/run.mjs", want: undefined },
    {
      given: "options it takes, quoted",
      bench: parseCost,
      command: `node bench/parse-cost/run.mjs --n '50,200' --airflow "3.3.1" --reps 2`,
      want: undefined,
    },
    {
      given: "an option it no longer takes",
      bench: parseCost,
      command: "node bench/parse-cost/run.mjs --warmups 2",
      want: /^exits 2 with --check-args: parse-cost: Unknown option '--warmups'/,
    },
    {
      given: "a value it no longer accepts",
      bench: parseCost,
      command: "node bench/parse-cost/run.mjs --airflow 2.9.0",
      want: /^exits 2 with --check-args: parse-cost: --airflow: no venv for Airflow 2\.9\.0/,
    },
    {
      given: "another benchmark's script",
      bench: parseCost,
      command: "node_modules/.bin/jiti bench/deploy.ts",
      want: /^does not run node bench\/parse-cost\/run\.mjs/,
    },
    {
      given: "a script that is gone",
      bench: { ...parseCost, command: ["node", "bench/gone/run.mjs"] },
      command: "node bench/gone/run.mjs",
      want: /^bench\/gone\/run\.mjs does not exist$/,
    },
  ])("$given", async ({ bench, command, want }) => {
    const problem = await commandProblem(command, bench);
    if (want === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(want);
  });

  it.each([
    { given: "plain words", command: "node bench/x.mjs --n 50,200", want: ["node", "bench/x.mjs", "--n", "50,200"] },
    { given: "single quotes", command: "node x --tag 'a b'", want: ["node", "x", "--tag", "a b"] },
    { given: "a quote inside single quotes", command: `node x 'it'\\''s'`, want: ["node", "x", "it's"] },
    { given: "double quotes", command: `node x "a \\"b\\""`, want: ["node", "x", 'a "b"'] },
  ])("shell words: $given", ({ command, want }) => {
    expect(shellWords(command)).toEqual(want);
  });

  it("reads back what the benchmarks write", () => {
    const command = commandLine(["node", "bench/parse-cost/run.mjs"], ["--n", "50,200", "--tag", "it's"]);
    expect(shellWords(command)).toEqual(["node", "bench/parse-cost/run.mjs", "--n", "50,200", "--tag", "it's"]);
    expect(provenanceOf(`## x\n\n${provenanceLine({ command, commit: "1a2b3c4" })}\n`)).toEqual([
      { command, commit: "1a2b3c4", rest: "." },
    ]);
    const dirty = provenanceOf(provenanceLine({ command, commit: "1a2b3c4 + uncommitted changes" }));
    expect(dirty[0]!.rest).toMatch(/uncommitted/);
  });
});
