#!/usr/bin/env node
/**
 * Parse-cost benchmark (issue 6): what the same N pipelines cost Airflow's
 * DAG parsing when they are
 *   (a) pipegen-rendered DAG files,
 *   (b) dag-factory YAML plus its one loader file,
 *   (c) hand-written DAG files.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchOptions, checkPassed, integer, integers, words } from "../lib/options.mjs";
import { commandLine, loadAverage, measuredCommit, writeResultsSection } from "../lib/results.mjs";
import { checkSameBags, runDriver } from "./equivalence.mjs";
import { prepareInputs, VARIANTS } from "./inputs.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const RESULTS_MD = path.join(ROOT, "bench/RESULTS.md");
const LABEL = { pipegen: "(a) pipegen", dagfactory: "(b) dag-factory", handwritten: "(c) hand-written" };
const MWAA_IMPORT_TIMEOUT_S = 30;

// ------------------------------------------------------------------ options

const USAGE = `
node bench/parse-cost/run.mjs [--n 50,200,1000] [--reps 3] [--airflow 2.10.3,3.3.1]
    [--seed 42] [--quick] [--no-results] [--report-only] [--no-build] [--check-args]

It builds pipegen, builds the bench-dagfactory-<version> venvs (cached),
generates the inputs under .cache/bench/parse-cost/, renders (a) with the
real CLI, checks that the three DagBags hold the same N DAGs (tasks, edges
and every DAG and operator argument) with no import errors, then measures in
fresh processes, interleaved, --reps times:
  fill       one DagBag fill of the folder (driver.py --mode fill);
  processor  per-file parsing as Airflow's DAG processor does it
             (driver.py --mode processor: fork per file, airflow.* pre-imported).
Prints the tables and, unless --no-results or --quick, rewrites its section
of bench/RESULTS.md. Raw numbers: .cache/bench/parse-cost/results.json
(--report-only prints and writes the tables again from them).

--quick: N=20, 1 run, both Airflow versions, RESULTS.md untouched; its inputs
and raw numbers go to .cache/bench/parse-cost-quick/ instead.
`;

const airflowVersions = (raw, name) => {
  const versions = words(raw);
  for (const v of versions)
    if (!fs.existsSync(path.join(ROOT, `test/python/requirements/bench-dagfactory-${v}.txt`)))
      throw new Error(`--${name}: no venv for Airflow ${v} (test/python/requirements/bench-dagfactory-${v}.txt)`);
  return versions;
};

const opts = benchOptions({
  name: "parse-cost",
  usage: USAGE,
  options: {
    n: { default: "50,200,1000", parse: integers },
    reps: { default: "3", parse: integer },
    airflow: { default: "2.10.3,3.3.1", parse: airflowVersions },
    seed: { default: "42", parse: integer },
    "report-only": { type: "boolean", default: false },
  },
  quick: { n: "20", reps: "1" },
});
const WORK = path.join(ROOT, opts.quick ? ".cache/bench/parse-cost-quick" : ".cache/bench/parse-cost");

// ------------------------------------------------------------------ helpers

const log = (msg) => process.stderr.write(`parse-cost: ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  return r;
}

function mustRun(cmd, args, opts = {}) {
  const r = run(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

// ------------------------------------------------------------------ measuring

/** The numbers one run contributes to the tables. */
function summarize(out, mode) {
  if (mode === "fill") {
    const per = out.files.map((f) => f.seconds);
    return {
      fill_wall_s: out.fill_wall_s,
      fill_cpu_s: out.fill_cpu_s,
      process_wall_s: out.process_wall_s,
      process_cpu_s: out.process_cpu_s,
      peak_rss_mb: out.peak_rss_kb / 1024,
      rss_growth_mb: (out.peak_rss_kb - out.rss_before_fill_kb) / 1024,
      files: per.length,
      file_median_ms: median(per) * 1000,
      file_max_s: Math.max(...per),
    };
  }
  const parse = out.processor_files.map((f) => f.parse_s);
  const total = out.processor_files.map((f) => f.parse_s + f.serialize_s);
  return {
    loop_s: total.reduce((a, b) => a + b, 0),
    loop_cpu_s: out.processor_files.reduce((a, f) => a + f.child_cpu_s, 0),
    parse_sum_s: parse.reduce((a, b) => a + b, 0),
    parse_cpu_sum_s: out.processor_files.reduce((a, f) => a + f.parse_cpu_s, 0),
    serialize_sum_s: out.processor_files.reduce((a, f) => a + f.serialize_s, 0),
    files: parse.length,
    file_median_ms: median(parse) * 1000,
    file_p95_ms: quantile(parse, 0.95) * 1000,
    file_max_s: Math.max(...parse),
  };
}

// ------------------------------------------------------------------ report

const f2 = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const f1 = (x) => x.toFixed(1);
const ratio = (x) => `${x.toFixed(2)}×`;

function table(headers, rows) {
  const lines = [`| ${headers.join(" | ")} |`, `|${headers.map((_h, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines.join("\n");
}

/** Median of a metric over reps, and the paired per-rep ratio a/x (median, min, max). */
function stats(results, version, n, mode, variant, key) {
  return median(
    results
      .filter((r) => r.version === version && r.n === n && r.mode === mode && r.variant === variant)
      .map((r) => r.m[key]),
  );
}
function pairedRatio(results, version, n, mode, other, key) {
  const reps = [...new Set(results.map((r) => r.rep))];
  const rs = reps.map((rep) => {
    const get = (v) =>
      results.find((r) => r.rep === rep && r.version === version && r.n === n && r.mode === mode && r.variant === v).m[
        key
      ];
    return get("pipegen") / get(other);
  });
  return { med: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
}
const rr = (p) => (p.min === p.max ? ratio(p.med) : `${ratio(p.med)} (${p.min.toFixed(2)}–${p.max.toFixed(2)})`);

function report(opts, results, inputs, meta) {
  const out = [];
  for (const version of opts.airflow) {
    const S = (n, mode, v, k) => stats(results, version, n, mode, v, k);
    out.push(
      `### Airflow ${version} (Python ${meta.python[version]}, amazon provider ${meta.versions[version]["apache-airflow-providers-amazon"]}, dag-factory ${meta.versions[version]["dag-factory"]}, ${meta.dagbag[version]})`,
    );
    out.push("");
    out.push(
      "**DagBag fill, one fresh process per folder** (medians of " +
        opts.reps +
        " interleaved runs; fill = the `DagBag(...)` call; process = interpreter start to exit, incl. ~" +
        f1(median(results.filter((r) => r.version === version && r.mode === "fill").map((r) => r.out.startup_s))) +
        " s importing Airflow)",
    );
    out.push("");
    const rows = [];
    for (const n of opts.n) {
      for (const v of VARIANTS) {
        rows.push([
          v === "pipegen" ? `${n}` : "",
          LABEL[v],
          f2(S(n, "fill", v, "fill_wall_s")),
          f2(S(n, "fill", v, "fill_cpu_s")),
          f2(S(n, "fill", v, "process_wall_s")),
          f2(S(n, "fill", v, "process_cpu_s")),
          f1(S(n, "fill", v, "peak_rss_mb")),
          f1(S(n, "fill", v, "rss_growth_mb")),
          `${S(n, "fill", v, "files")}`,
          f1(S(n, "fill", v, "file_median_ms")),
          f2(S(n, "fill", v, "file_max_s")),
        ]);
      }
    }
    out.push(
      table(
        [
          "N",
          "variant",
          "fill wall s",
          "fill CPU s",
          "process wall s",
          "process CPU s",
          "peak RSS MB",
          "RSS growth MB",
          "files",
          "per-file median ms",
          "slowest file s",
        ],
        rows,
      ),
    );
    out.push("");
    out.push(
      "**Per file, as the DAG processor parses it** (fork per file from a process that already imported Airflow and the `airflow.*` modules the file names; parse = DagBag of that file, then its DAGs are serialized; loop = sum over all files = one parsing pass over the folder; loop CPU = all CPU the forked children used; per-file and slowest = parse wall time, what `dagbag_import_timeout` (30 s on MWAA) is checked against)",
    );
    out.push("");
    const prow = [];
    for (const n of opts.n) {
      for (const v of VARIANTS) {
        const max = S(n, "processor", v, "file_max_s");
        prow.push([
          v === "pipegen" ? `${n}` : "",
          LABEL[v],
          f2(S(n, "processor", v, "loop_s")),
          f2(S(n, "processor", v, "loop_cpu_s")),
          f2(S(n, "processor", v, "parse_sum_s")),
          f2(S(n, "processor", v, "serialize_sum_s")),
          f1(S(n, "processor", v, "file_median_ms")),
          f1(S(n, "processor", v, "file_p95_ms")),
          `${f2(max)}${max > MWAA_IMPORT_TIMEOUT_S ? " ⚠ > 30 s" : ""}`,
        ]);
      }
    }
    out.push(
      table(
        [
          "N",
          "variant",
          "loop wall s",
          "loop CPU s",
          "parse wall s",
          "serialize wall s",
          "per-file median ms",
          "per-file p95 ms",
          "slowest file s",
        ],
        prow,
      ),
    );
    out.push("");
    out.push(
      "**Ratios a/b and a/c** (paired per run, median and range over runs; < 1 means pipegen is cheaper. Goals: a/b ≤ 0.33, a/c ≤ 1.10)",
    );
    out.push("");
    const qrows = [];
    for (const n of opts.n) {
      const ab = pairedRatio(results, version, n, "fill", "dagfactory", "fill_cpu_s");
      const ac = pairedRatio(results, version, n, "fill", "handwritten", "fill_cpu_s");
      qrows.push([
        `${n}`,
        rr(pairedRatio(results, version, n, "fill", "dagfactory", "fill_wall_s")),
        rr(ab),
        rr(pairedRatio(results, version, n, "processor", "dagfactory", "loop_cpu_s")),
        ratio(S(n, "fill", "pipegen", "peak_rss_mb") / S(n, "fill", "dagfactory", "peak_rss_mb")),
        rr(pairedRatio(results, version, n, "fill", "handwritten", "fill_wall_s")),
        rr(ac),
        rr(pairedRatio(results, version, n, "processor", "handwritten", "loop_cpu_s")),
        ratio(S(n, "fill", "pipegen", "peak_rss_mb") / S(n, "fill", "handwritten", "peak_rss_mb")),
      ]);
    }
    out.push(
      table(
        [
          "N",
          "a/b fill wall",
          "a/b fill CPU",
          "a/b processor loop CPU",
          "a/b peak RSS",
          "a/c fill wall",
          "a/c fill CPU",
          "a/c processor loop CPU",
          "a/c peak RSS",
        ],
        qrows,
      ),
    );
    out.push("");
    out.push("**Growth with N** (fill CPU per DAG in ms; a flat row means linear growth)");
    out.push("");
    const grows = VARIANTS.map((v) => [
      LABEL[v],
      ...opts.n.map((n) => f2((S(n, "fill", v, "fill_cpu_s") / n) * 1000)),
      ratio(S(opts.n.at(-1), "fill", v, "fill_cpu_s") / S(opts.n[0], "fill", v, "fill_cpu_s")),
    ]);
    out.push(
      table(
        [
          "variant",
          ...opts.n.map((n) => `N=${n}`),
          `CPU ×, N ${opts.n[0]}→${opts.n.at(-1)} (${opts.n.at(-1) / opts.n[0]}× DAGs)`,
        ],
        grows,
      ),
    );
    out.push("");
  }
  const inputRows = opts.n.map((n) => {
    const i = inputs[`${opts.airflow[0]}/${n}`];
    return [
      `${n}`,
      f1(i.steps / n),
      `${i.tasks}`,
      `${i.xtable}`,
      ...VARIANTS.map((v) => `${(i.bytes[v] / 1024).toFixed(0)}`),
      f2(i.renderS),
    ];
  });
  const inputsTable = table(
    ["N", "steps/pipeline", "tasks", "pipelines with XTable", "(a) KiB", "(b) KiB", "(c) KiB", "pipegen render s"],
    inputRows,
  );
  return { body: out.join("\n"), inputsTable };
}

/** Goal verdicts, per metric: DagBag fill CPU and the processor pass's CPU. */
function verdicts(opts, results) {
  const lines = [];
  const cheaper = (r) => (r <= 1 ? `${(1 / r).toFixed(2)}× cheaper` : `${r.toFixed(2)}× dearer`);
  const met = (ok) => (ok ? "met" : "**not met**");
  for (const version of opts.airflow) {
    for (const n of opts.n) {
      const P = (mode, other, key) => pairedRatio(results, version, n, mode, other, key).med;
      const ab = P("fill", "dagfactory", "fill_cpu_s");
      const abLoop = P("processor", "dagfactory", "loop_cpu_s");
      const ac = P("fill", "handwritten", "fill_cpu_s");
      const acLoop = P("processor", "handwritten", "loop_cpu_s");
      const slow = (v) => f2(stats(results, version, n, "processor", v, "file_max_s"));
      lines.push(
        `- Airflow ${version}, N=${n}. vs dag-factory: DagBag fill CPU ${cheaper(ab)} (≥ 3×: ${met(ab <= 1 / 3)}); ` +
          `processor pass CPU ${cheaper(abLoop)} (≥ 3×: ${met(abLoop <= 1 / 3)}); slowest file ${slow("pipegen")} s vs ${slow("dagfactory")} s. ` +
          `vs hand-written: fill CPU ${signedPct(ac)} (≤ +10 %: ${met(ac <= 1.1)}); processor pass CPU ${signedPct(acLoop)} (${met(acLoop <= 1.1)}).`,
      );
    }
  }
  return lines.join("\n");
}
const signedPct = (r) => `${r >= 1 ? "+" : "−"}${Math.abs((r - 1) * 100).toFixed(1)} %`;

function machineInfo() {
  return {
    date: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    cpu: `${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    load: loadAverage(),
  };
}

// ------------------------------------------------------------------ main

async function main() {
  if (opts.reportOnly) {
    // Re-print (and re-write) the last run's tables from its raw numbers.
    const file = path.join(WORK, "results.json");
    if (!fs.existsSync(file))
      throw new Error(`--report-only: no raw numbers of an earlier run (${path.relative(ROOT, file)}); run it first`);
    const saved = JSON.parse(fs.readFileSync(file, "utf8"));
    publish({ ...saved, opts: { ...saved.opts, results: opts.results } });
    return;
  }
  const started = Date.now();
  const commit = measuredCommit();
  const loadBefore = loadAverage();
  log(`load average ${loadBefore} (1/5/15 min)`);
  if (opts.build) {
    log("building pipegen (npm run build)");
    mustRun("npm", ["run", "--silent", "build"]);
  }
  log(`venvs: ${opts.airflow.map((v) => `bench-dagfactory-${v}`).join(", ")} (test/python/setup-venvs.sh)`);
  mustRun("bash", [path.join(ROOT, "test/python/setup-venvs.sh"), ...opts.airflow.map((v) => `bench-dagfactory-${v}`)]);

  const inputs = {};
  const meta = { python: {}, versions: {}, dagbag: {} };
  for (const version of opts.airflow) {
    for (const n of opts.n) {
      log(`Airflow ${version}, N=${n}: generating and rendering`);
      const inp = prepareInputs({ dir: path.join(WORK, `airflow-${version}`, `n${n}`), version, n, seed: opts.seed });
      inputs[`${version}/${n}`] = inp;
      // Warm-up (not counted): writes __pycache__, warms the page cache, and proves the bags are the same.
      const outs = checkSameBags(version, inp.folders, n);
      inp.tasks = outs.pipegen.tasks;
      meta.python[version] = outs.pipegen.python_version;
      meta.versions[version] = outs.pipegen.versions;
      meta.dagbag[version] = outs.pipegen.dagbag_class;
      checkPassed(
        `Airflow ${version}, N=${n}: ${n} DAGs, ${inp.tasks} tasks in each bag, 0 import errors, the same DAGs, tasks, edges and arguments in all three`,
      );
    }
  }

  const results = [];
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const version of opts.airflow) {
      for (const n of opts.n) {
        for (const mode of ["fill", "processor"]) {
          // Interleave, rotating which variant goes first.
          const order = VARIANTS.map((_, i) => VARIANTS[(i + rep) % VARIANTS.length]);
          for (const variant of order) {
            const out = runDriver(version, inputs[`${version}/${n}`].folders[variant], n, mode);
            const m = summarize(out, mode);
            results.push({
              rep,
              version,
              n,
              mode,
              variant,
              m,
              out: mode === "fill" ? { ...out, files: undefined } : { ...out, processor_files: undefined },
            });
            log(
              `  rep ${rep + 1}/${opts.reps} ${version} N=${n} ${mode.padEnd(9)} ${variant.padEnd(11)} ${mode === "fill" ? `fill ${f2(m.fill_wall_s)} s` : `loop ${f2(m.loop_s)} s`}`,
            );
          }
        }
      }
    }
  }

  checkPassed(`every measured run (${results.length}) parsed exactly its N DAGs with no import errors`);
  const machine = machineInfo();
  machine.loadBefore = loadBefore;
  machine.commit = commit;
  log(`load average ${machine.load} at the end (1/5/15 min)`);
  const minutes = (Date.now() - started) / 60000;
  const { argv } = opts;
  fs.mkdirSync(WORK, { recursive: true });
  fs.writeFileSync(
    path.join(WORK, "results.json"),
    JSON.stringify({ opts, argv, minutes, machine, meta, inputs, results }, null, 1),
  );
  publish({ opts, argv, minutes, machine, meta, inputs, results });
}

/** Prints the tables and (unless --no-results) writes the RESULTS.md section. */
function publish({ opts, argv, minutes, machine, meta, inputs, results }) {
  const { body, inputsTable } = report(opts, results, inputs, meta);
  const verdict = verdicts(opts, results);
  const section = [
    "## Parse cost: pipegen vs dag-factory vs hand-written DAGs",
    "",
    `Measured ${machine.date} on ${machine.cpu}, ${machine.memory}, ${machine.os}; Node ${machine.node}; load average ${machine.loadBefore} at the start, ${machine.load} at the end (1/5/15 min); ${minutes.toFixed(0)} min. Seed ${opts.seed}.`,
    "",
    "Inputs (same pipelines in all three folders; the bags were checked to hold the same DAGs, tasks, edges and operator arguments):",
    "",
    inputsTable,
    "",
    "Goals (issue 6): (a) at least 3× cheaper than (b), and within 10 % of (c), judged on CPU time (wall time on a shared 2-core machine is noisier; both are in the tables):",
    "",
    verdict,
    "",
    body,
  ].join("\n");
  process.stdout.write(`${section}\n`);
  if (opts.results) {
    writeResultsSection("parse-cost", section, {
      command: commandLine(["node", "bench/parse-cost/run.mjs"], argv),
      commit: machine.commit,
    });
    log(`wrote its section of ${path.relative(ROOT, RESULTS_MD)}`);
  }
  log(`done in ${minutes.toFixed(1)} min; raw numbers in ${path.relative(ROOT, path.join(WORK, "results.json"))}`);
}

main().catch((e) => {
  process.stderr.write(`parse-cost: ${e.message}\n`);
  process.exit(1);
});
