#!/usr/bin/env node
/**
 * XTable benchmark (issue 12): what a Delta → Iceberg sync with pipegen's
 * XTable runner (jars/) costs, measured side by side in one run:
 *  - harness overhead: one sync through `pipegen xtable run` vs the runner
 *    started directly, as the MWAA operator starts it;
 *  - one JVM vs many: N tables in one JVM (one datasetConfig) vs one JVM per table;
 *  - incremental vs full: on a table of C commits, an incremental sync of one
 *    new commit vs a full (snapshot) sync, as whole JVM runs and, for the
 *    sync alone, in a JVM that has synced another table first;
 *  - memory: every JVM's peak RSS (and pipegen's Node process's) next to its time.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import YAML from "yaml";
import { benchOptions, checkPassed, integer } from "../lib/options.mjs";
import { commandLine, loadAverage, machineLine, measuredCommit, ROOT, writeResultsSection } from "../lib/results.mjs";
import { checkFigures, checkIncrementalSnapshot, checkSyncs, syncSeconds, timeLines } from "./checks.mjs";
import { report } from "./report.mjs";
import { appendCommits, checkRows, copyIceberg, dropIceberg, icebergMetadata, writeTables } from "./tables.mjs";

const atLeast = (least) => (raw, name) => {
  const n = integer(raw, name);
  if (n < least) throw new Error(`--${name} must be at least ${least}, got ${n}`);
  return n;
};
const count = (raw, name) => (String(raw) === "0" ? 0 : integer(raw, name));

const opts = benchOptions({
  name: "xtable",
  usage: `
node bench/xtable/run.mjs [--commits 100] [--tables 10] [--reps 5] [--warmups 1]
    [--quick] [--no-results] [--no-build] [--check-args]

Builds pipegen (npm run build), the \`delta\` venv (test/python/setup-venvs.sh)
and the XTable runner (jars/build.sh; a no-op when it is current), writes Delta
tables with deltalake under .cache/bench/xtable/, then runs, interleaved,
--warmups rounds (not counted) and --reps measured rounds of:
  runner-incremental   the runner started directly: incremental sync of one new
                       commit of a table of --commits commits
  pipegen-incremental  the same sync through \`pipegen xtable run\`
  runner-full          the same table, --syncMode FULL
  one-jvm              --tables small tables in one datasetConfig, one JVM
  jvm-per-table        the same tables, one JVM each
  warm-incremental     a small table first, then the incremental sync (its own time)
  warm-full            the same with --syncMode FULL
Every run must exit 0 with every table SUCCESS in the sync mode expected (an
incremental one adding exactly one Iceberg snapshot), and \`pipegen xtable
verify\` must pass on every table it synced; after each variant's first run,
pyiceberg must read the same rows as deltalake. Prints the ratios (median and
range over the rounds) and, unless --no-results or --quick, rewrites its
section of bench/RESULTS.md. Raw numbers: .cache/bench/xtable/results.json.

--quick: 20 commits, 3 tables, 1 round, no warm-up, RESULTS.md untouched; in
.cache/bench/xtable-quick/.
`,
  options: {
    commits: { default: "100", parse: atLeast(3) },
    tables: { default: "10", parse: atLeast(2) },
    reps: { default: "5", parse: integer },
    warmups: { default: "1", parse: count },
  },
  quick: { commits: "20", tables: "3", reps: "1", warmups: "0" },
});

const WORK = path.join(ROOT, opts.quick ? ".cache/bench/xtable-quick" : ".cache/bench/xtable");
const BIN = path.join(ROOT, "build/bin/pipegen.js");
/** The heap pipegen and the MWAA operator give the JVM by default. */
const HEAP = "2g";
/** A run that takes longer has hung: its process group is killed. */
const RUN_TIMEOUT_MS = 15 * 60_000;

const log = (msg) => process.stderr.write(`xtable: ${msg}\n`);

/** Runs a setup command, its output to stderr; returns its stdout. */
function mustRun(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
  return r.stdout;
}

/**
 * The XTable source release for jars/build.sh when Maven does not serve
 * XTable: $PIPEGEN_XTABLE_SOURCE, else where test/helpers/xtable.ts looks
 * (the shared vendor folder beside the repository, then its absolute place).
 */
function xtableSourceEnv() {
  if (process.env.PIPEGEN_XTABLE_SOURCE) return {};
  const tarball = "apache-xtable-0.4.0-incubating-rc2-src.tar.gz";
  const found = [path.resolve(ROOT, "../shared/vendor/xtable", tarball), `/work/shared/vendor/xtable/${tarball}`].find(
    (f) => fs.existsSync(f),
  );
  return found ? { PIPEGEN_XTABLE_SOURCE: found } : {};
}

// ------------------------------------------------------------------ measuring

/** The process group of the run in progress: killed when the benchmark stops, so that no JVM outlives it. */
let running;
const stopRunning = () => {
  if (running?.pid)
    try {
      process.kill(-running.pid, "SIGKILL");
    } catch {
      // already gone
    }
};
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    stopRunning();
    process.exit(130);
  });

/**
 * Every JVM of the benchmark, direct or started by pipegen (through
 * JAVA_HOME), goes through this script: it runs the real java under GNU time,
 * which appends the JVM's wall and CPU seconds and peak RSS to
 * $PIPEGEN_BENCH_JVM_LOG, and then the peak RSS so far of the process that
 * started it (pipegen's Node process, when pipegen did). Both variants of a
 * comparison pay the same few milliseconds for it.
 */
function writeJavaWrapper(home, realJava) {
  const quoted = `'${realJava.replaceAll("'", "'\\''")}'`;
  fs.mkdirSync(path.join(home, "bin"), { recursive: true });
  const file = path.join(home, "bin", "java");
  fs.writeFileSync(
    file,
    `#!/bin/sh
# bench/xtable: the real JVM under GNU time (see bench/xtable/run.mjs).
/usr/bin/time -a -o "$PIPEGEN_BENCH_JVM_LOG" -f 'jvm %e %U %S %M' ${quoted} "$@"
status=$?
echo "parent $(sed -n 's/^VmHWM:[[:space:]]*\\([0-9]*\\) kB$/\\1/p' /proc/$PPID/status)" >>"$PIPEGEN_BENCH_JVM_LOG"
exit $status
`,
  );
  fs.chmodSync(file, 0o755);
  return file;
}

/**
 * Runs one command in its own process group under GNU time. Wall time is
 * this process's clock from the start to the exit; CPU (user + system) and
 * peak RSS (the largest single process) cover the whole process tree.
 */
function measure(argv, env, files) {
  fs.writeFileSync(files.jvmLog, "");
  fs.rmSync(files.totalLog, { force: true });
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let wall;
    const child = spawn("/usr/bin/time", ["-o", files.totalLog, "-f", "total %e %U %S %M", ...argv], {
      cwd: WORK,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    running = child;
    const timer = setTimeout(stopRunning, RUN_TIMEOUT_MS);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", () => (wall = (performance.now() - start) / 1000));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running = undefined;
      const jvmText = fs.readFileSync(files.jvmLog, "utf8");
      const [total] = timeLines(fs.existsSync(files.totalLog) ? fs.readFileSync(files.totalLog, "utf8") : "", "total");
      resolve({
        exitCode: signal ? `killed by ${signal}` : code,
        output: `${stdout}\n${stderr}`,
        wall,
        cpu: total?.cpu ?? Number.NaN,
        jvms: timeLines(jvmText, "jvm"),
        parentRssMb: Math.max(0, ...[...jvmText.matchAll(/^parent (\d+)$/gm)].map((m) => Number(m[1]) / 1024)),
      });
    });
  });
}

/** `pipegen xtable verify <table> --json`: must exit 0 with no difference; returns its report. */
function verify(table) {
  const r = spawnSync(process.execPath, [BIN, "xtable", "verify", table, "--json"], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  let report = {};
  try {
    report = JSON.parse(r.stdout);
  } catch {
    // reported below
  }
  if (r.status !== 0 || report.ok !== true) {
    const differences = (report.checks ?? []).flatMap((c) => c.differences);
    throw new Error(
      `pipegen xtable verify ${table} exited ${r.status}: ${differences.join("; ") || r.stderr.trim().slice(-2000)}`,
    );
  }
  return report;
}

const sum = (values) => values.reduce((a, b) => a + b, 0);

// ------------------------------------------------------------------ main

async function main() {
  const started = Date.now();
  const commit = measuredCommit();
  const loadAtStart = loadAverage();
  const machine = machineLine();
  log(`load average ${loadAtStart} (1/5/15 min)`);
  if (opts.build) {
    log("building pipegen (npm run build)");
    mustRun("npm", ["run", "--silent", "build"]);
  }
  log("venv delta (test/python/setup-venvs.sh)");
  mustRun("bash", [path.join(ROOT, "test/python/setup-venvs.sh"), "delta"]);
  log("the XTable runner (jars/build.sh)");
  const runnerDir = path.dirname(mustRun("bash", [path.join(ROOT, "jars/build.sh")], xtableSourceEnv()).trim());
  const runModule = path.join(ROOT, "build/xtable/run.js");
  if (!fs.existsSync(runModule)) throw new Error(`${runModule} is missing: run npm run build (or drop --no-build)`);
  const { findJava, jvmFlags, MAIN_CLASS } = await import(pathToFileURL(runModule).href);

  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const realJava = fs.realpathSync(findJava(process.env));
  const javaVersion = spawnSync(realJava, ["-version"], { encoding: "utf8" }).stderr.split("\n")[0].trim();
  const jdk = path.join(WORK, "jdk");
  const java = writeJavaWrapper(jdk, realJava);
  const files = { jvmLog: path.join(WORK, "jvm-times.log"), totalLog: path.join(WORK, "total-time.log") };
  const env = { ...process.env, JAVA_HOME: jdk, NO_COLOR: "1", PIPEGEN_BENCH_JVM_LOG: files.jvmLog };

  log(`writing the Delta tables (history: ${opts.commits} commits; ${opts.tables} small tables)`);
  const tables = writeTables(path.join(WORK, "tables"), { commits: opts.commits, n: opts.tables });
  const paths = {
    history: tables.history,
    warmup: tables.warmup,
    ...Object.fromEntries(tables.many.map((t) => [t.name, t.path])),
  };
  const configFile = (name, names) => {
    const file = path.join(WORK, `${name}.dataset.yaml`);
    const datasets = names.map((n) => ({ tableBasePath: paths[n], tableName: n }));
    fs.writeFileSync(file, YAML.stringify({ sourceFormat: "DELTA", targetFormats: ["ICEBERG"], datasets }));
    return file;
  };
  const manyNames = tables.many.map((t) => t.name);
  const config = {
    history: configFile("history", ["history"]),
    warm: configFile("warm", ["warmup", "history"]),
    many: configFile("many", manyNames),
    ...Object.fromEntries(manyNames.map((n) => [n, configFile(n, [n])])),
  };
  const direct = (file, mode) => [
    java,
    ...jvmFlags(HEAP),
    "-cp",
    `${runnerDir}/*`,
    MAIN_CLASS,
    "--datasetConfig",
    file,
    ...(mode ? ["--syncMode", mode] : []),
  ];
  const viaPipegen = (file) => [process.execPath, BIN, "xtable", "run", "--config", file, "--runner", runnerDir];

  const tally = { runs: 0, jvms: 0, syncs: 0, verified: 0, incremental: 0, rowsTables: 0, rows: 0 };
  const facts = {};

  /** One run: measured, then checked (result line, JVM count, the incremental snapshot, verify). */
  async function checkedRun(label, { argv, want, jvms }, incrementalBase) {
    const m = await measure(argv, env, files);
    tally.syncs += checkSyncs(label, m, want);
    tally.runs++;
    checkFigures(label, m, jvms);
    tally.jvms += m.jvms.length;
    if (want.history === "INCREMENTAL") {
      try {
        checkIncrementalSnapshot(incrementalBase, icebergMetadata(paths.history), opts.commits);
      } catch (e) {
        throw new Error(`${label}: ${e.message}`);
      }
      tally.incremental++;
    }
    for (const table of Object.keys(want)) {
      const report = verify(paths[table]);
      tally.verified++;
      facts[table] = report.delta;
    }
    return m;
  }

  // The history table: synced at its last commit, then one new commit. Every run starts from that state (its Iceberg metadata put back).
  log("first sync of the history table (not measured)");
  await checkedRun("first sync of history", { argv: direct(config.history), want: { history: "FULL" }, jvms: 1 });
  const { version } = appendCommits(paths.history, 1);
  if (version !== opts.commits) throw new Error(`the new commit is version ${version}, not ${opts.commits}`);
  const saved = path.join(WORK, "history-synced");
  copyIceberg(paths.history, saved);
  const syncedBefore = icebergMetadata(saved);
  const restoreHistory = () => copyIceberg(saved, paths.history);
  const freshMany = () => {
    for (const t of tables.many) dropIceberg(t.path);
  };
  const freshWarm = () => {
    restoreHistory();
    dropIceberg(paths.warmup);
  };
  const allFull = Object.fromEntries(manyNames.map((n) => [n, "FULL"]));

  const VARIANTS = [
    {
      id: "runner-incremental",
      prepare: restoreHistory,
      runs: [{ argv: direct(config.history), want: { history: "INCREMENTAL" }, jvms: 1 }],
    },
    {
      id: "pipegen-incremental",
      prepare: restoreHistory,
      runs: [{ argv: viaPipegen(config.history), want: { history: "INCREMENTAL" }, jvms: 1 }],
    },
    {
      id: "runner-full",
      prepare: restoreHistory,
      runs: [{ argv: direct(config.history, "FULL"), want: { history: "FULL" }, jvms: 1 }],
    },
    { id: "one-jvm", prepare: freshMany, runs: [{ argv: direct(config.many), want: allFull, jvms: 1 }] },
    {
      id: "jvm-per-table",
      prepare: freshMany,
      runs: manyNames.map((n) => ({ argv: direct(config[n]), want: { [n]: "FULL" }, jvms: 1 })),
    },
    {
      id: "warm-incremental",
      prepare: freshWarm,
      runs: [{ argv: direct(config.warm), want: { warmup: "FULL", history: "INCREMENTAL" }, jvms: 1 }],
    },
    {
      id: "warm-full",
      prepare: freshWarm,
      runs: [{ argv: direct(config.warm, "FULL"), want: { warmup: "FULL", history: "FULL" }, jvms: 1 }],
    },
  ];

  const rounds = opts.warmups + opts.reps;
  const measured = Object.fromEntries(VARIANTS.map((v) => [v.id, []]));
  for (let round = 0; round < rounds; round++) {
    const warmup = round < opts.warmups;
    // Interleaved: every round runs each variant once, and which goes first rotates.
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
    for (const variant of order) {
      variant.prepare();
      const runs = [];
      for (const [k, run] of variant.runs.entries()) {
        const label = `${variant.id}${variant.runs.length > 1 ? ` (${k + 1}/${variant.runs.length})` : ""}, round ${round + 1}`;
        runs.push(await checkedRun(label, run, syncedBefore));
      }
      const m = {
        wall: sum(runs.map((r) => r.wall)),
        cpu: sum(runs.map((r) => r.cpu)),
        jvmWall: runs.flatMap((r) => r.jvms.map((j) => j.wall)),
        jvmRssMb: Math.max(...runs.flatMap((r) => r.jvms.map((j) => j.rssMb))),
        nodeRssMb: variant.id.startsWith("pipegen") ? runs[0].parentRssMb : undefined,
        historySeconds: "history" in variant.runs[0].want ? syncSeconds(runs[0].output, "history") : undefined,
      };
      log(
        `round ${round + 1}/${rounds}${warmup ? " (warm-up)" : ""} ${variant.id}: ${m.wall.toFixed(2)} s, CPU ${m.cpu.toFixed(2)} s, JVM peak RSS ${m.jvmRssMb.toFixed(0)} MB`,
      );
      if (!warmup) measured[variant.id].push(m);
      if (round === 0) {
        const synced = [...new Set(variant.runs.flatMap((r) => Object.keys(r.want)))];
        tally.rows += checkRows(synced.map((t) => paths[t]));
        tally.rowsTables += synced.length;
      }
    }
  }

  checkPassed(
    `all ${tally.runs} runs exited 0, and their result lines reported ${tally.syncs} syncs, each SUCCESS in the sync mode expected, for exactly the tables given`,
  );
  checkPassed(
    `every incremental run (${tally.incremental}) was INCREMENTAL per its result line and added exactly one Iceberg snapshot, an append naming Delta version ${opts.commits}`,
  );
  checkPassed(
    `each run started the JVMs it should: 1 for the ${opts.tables} tables in one datasetConfig, ${opts.tables} for one JVM per table, 1 for every other run (pipegen xtable run's included)`,
  );
  checkPassed(
    `GNU time gave every run's wall and CPU time and every JVM's peak RSS (${tally.runs} runs, ${tally.jvms} JVMs)`,
  );
  checkPassed(`pipegen xtable verify passed on every synced table after every run (${tally.verified} verifications)`);
  checkPassed(
    `pyiceberg read the same rows as deltalake from every table synced by each variant's first run (${tally.rowsTables} tables, ${tally.rows} rows)`,
  );

  const minutes = (Date.now() - started) / 60_000;
  const loadAtEnd = loadAverage();
  log(`load average ${loadAtEnd} at the end; ${minutes.toFixed(1)} min`);
  const raw = {
    commit,
    opts: { commits: opts.commits, tables: opts.tables, reps: opts.reps, warmups: opts.warmups },
    machine,
    loadAtStart,
    loadAtEnd,
    minutes,
    javaVersion,
    flags: jvmFlags(HEAP),
    facts,
    shapes: tables.many.map((t) => t.shape),
    measured,
  };
  fs.writeFileSync(path.join(WORK, "results.json"), `${JSON.stringify(raw, null, 2)}\n`);
  const markdown = report(raw);
  console.log(markdown);
  if (opts.results)
    writeResultsSection("xtable", markdown, {
      command: commandLine(["node", "bench/xtable/run.mjs"], opts.argv),
      commit,
    });
}

try {
  await main();
} catch (e) {
  stopRunning();
  log(e.message);
  process.exit(1);
}
