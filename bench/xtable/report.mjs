/**
 * The XTable benchmark's ratios, their verdicts against issue 12's targets,
 * and its RESULTS.md section, from the raw numbers of a run
 * (.cache/bench/xtable/results.json). Plain functions, so that
 * test/bench-xtable.test.ts can feed them numbers that miss a target.
 */
import { median } from "../lib/results.mjs";

/** Issue 12's targets: the largest ratio (median over the rounds) that meets each. */
export const TARGETS = { harness: 1.1, jvms: 0.33, incremental: 0.2 };

/** The variants every run measures, in the order the tables list them. */
export const VARIANT_IDS = [
  "runner-incremental",
  "pipegen-incremental",
  "runner-full",
  "one-jvm",
  "jvm-per-table",
  "warm-incremental",
  "warm-full",
];

const spread = (values) => ({ min: Math.min(...values), median: median(values), max: Math.max(...values) });
const sum = (values) => values.reduce((a, b) => a + b, 0);

/**
 * Whether a median ratio meets its target (ratios at or under it do).
 * @throws when the ratio is not a positive number: a figure went missing
 */
export function verdict(ratio, target) {
  if (!(Number.isFinite(ratio) && ratio > 0)) throw new Error(`a ratio is ${ratio}: a figure is missing`);
  if (target === undefined) return "(not a target)";
  return ratio <= target ? "met" : "not met";
}

/**
 * The comparisons, each as ratios taken round by round (a round runs every
 * variant once), their median and its verdict.
 * @param {Record<string, {wall: number, cpu: number, historySeconds?: number}[]>} measured  variant → one entry per round
 * @param {{tables: number, commits: number}} o  the run's options
 * @throws when a variant is missing or has another number of rounds than the others
 */
export function comparisons(measured, o) {
  const rounds = measured["runner-incremental"]?.length ?? 0;
  const uneven = VARIANT_IDS.filter((id) => measured[id]?.length !== rounds);
  if (rounds === 0 || uneven.length > 0)
    throw new Error(
      `every variant needs the same number of measured rounds (runner-incremental has ${rounds}; ${uneven.map((id) => `${id} ${measured[id]?.length ?? "none"}`).join(", ") || "none measured"})`,
    );
  const ratio = (a, b, key = "wall") =>
    Array.from({ length: rounds }, (_, r) => measured[a][r][key] / measured[b][r][key]);
  const list = [
    {
      what: "Harness overhead: `pipegen xtable run` / the runner started directly (incremental sync of one commit)",
      wall: ratio("pipegen-incremental", "runner-incremental"),
      cpu: ratio("pipegen-incremental", "runner-incremental", "cpu"),
      target: TARGETS.harness,
    },
    {
      what: `One JVM vs many: ${o.tables} tables in one JVM / one JVM per table`,
      wall: ratio("one-jvm", "jvm-per-table"),
      cpu: ratio("one-jvm", "jvm-per-table", "cpu"),
      target: TARGETS.jvms,
    },
    {
      what: `Incremental vs full: incremental sync of 1 new commit / full sync, table of ${o.commits} commits (whole JVM runs)`,
      wall: ratio("runner-incremental", "runner-full"),
      cpu: ratio("runner-incremental", "runner-full", "cpu"),
      target: TARGETS.incremental,
    },
    {
      what: "The same, the sync alone: the runner's own time for the table, in a JVM that synced another table first",
      wall: ratio("warm-incremental", "warm-full", "historySeconds"),
      cpu: undefined,
      target: undefined,
    },
  ];
  return list.map((c) => {
    const wall = spread(c.wall);
    return { ...c, spread: wall, verdict: verdict(wall.median, c.target) };
  });
}

const s2 = (x) => `${x.toFixed(2)} s`;
/** Ratios to three places: at two, a median of 1.1047 printed as 1.10× beside "≤ 1.1×: not met". */
const times = (x) => `${x.toFixed(3)}×`;
const range = ({ min, max }, unit = (x) => x.toFixed(2)) => `${unit(min)}–${unit(max)}`;

/** The RESULTS.md section: what was measured, the ratios against their targets, and every variant's figures. */
export function report({
  opts: o,
  machine,
  flags,
  loadAtStart,
  loadAtEnd,
  minutes,
  javaVersion,
  facts,
  shapes,
  measured,
}) {
  const compared = comparisons(measured, o);
  const rounds = measured["runner-incremental"].length;
  const ratioRows = compared.map((c) => {
    const v = c.verdict.startsWith("(") ? c.verdict : `**${c.verdict}**`;
    return `| ${c.what} | **${times(c.spread.median)}** | ${range(c.spread, times)} | ${c.target === undefined ? "–" : `≤ ${c.target}×`} | ${v} | ${c.cpu ? times(median(c.cpu)) : "–"} |`;
  });

  const LABELS = {
    "runner-incremental": "runner, incremental (1 new commit)",
    "pipegen-incremental": "`pipegen xtable run`, incremental (1 new commit)",
    "runner-full": "runner, `--syncMode FULL`",
    "one-jvm": `runner, ${o.tables} tables in one JVM`,
    "jvm-per-table": `runner, one JVM per table (${o.tables} JVMs, summed)`,
    "warm-incremental": "runner, a small table, then incremental (1 new commit)",
    "warm-full": "runner, a small table, then `--syncMode FULL`",
  };
  const runRows = VARIANT_IDS.map((id) => {
    const ms = measured[id];
    const wall = spread(ms.map((m) => m.wall));
    const history = ms[0].historySeconds === undefined ? "–" : s2(median(ms.map((m) => m.historySeconds)));
    const rss = spread(ms.map((m) => m.jvmRssMb));
    const node = ms[0].nodeRssMb === undefined ? "–" : `${median(ms.map((m) => m.nodeRssMb)).toFixed(0)} MB`;
    const outside = median(ms.map((m) => m.wall - sum(m.jvmWall)));
    const perJvm = id === "jvm-per-table" ? ` (per JVM ${s2(median(ms.flatMap((m) => m.jvmWall)))})` : "";
    return `| ${LABELS[id]} | ${s2(wall.median)}${perJvm} | ${range(wall)} s | ${s2(median(ms.map((m) => m.cpu)))} | ${s2(outside)} | ${history} | ${rss.median.toFixed(0)} MB (${range(rss, (x) => x.toFixed(0))}) | ${node} |`;
  });

  const h = facts.history;
  const many = Object.entries(facts).filter(([name]) => /^t\d+_/.test(name));
  return `## XTable: harness overhead, one JVM vs many, incremental vs full (\`bench/xtable/\`)

Measured on ${machine}; ${javaVersion}; load average ${loadAtStart} at the start, ${loadAtEnd} at the end (1/5/15 min); ${minutes.toFixed(0)} min. ${rounds} measured round${rounds === 1 ? "" : "s"} after ${o.warmups} warm-up round${o.warmups === 1 ? "" : "s"}, each running every variant once, interleaved (the one that goes first rotates); ratios are taken round by round.

The runner is pipegen's (jars/build.sh: Apache XTable 0.4.0-incubating, Delta Kernel source, Iceberg written by HadoopTables to local disk), started with the flags pipegen and the MWAA operator use (\`${flags.filter((f) => !f.startsWith("--add-opens")).join(" ")} --add-opens …\`). Delta tables written by deltalake (the \`delta\` venv):
- **history**: partitioned by a string column, ${o.commits} commits of 2 rows, synced to Iceberg at version ${h.version - 1}, then one new commit (Delta version ${h.version}: ${h.files} data files, ${h.records} rows${h.checkpoint ? `, checkpoint at version ${h.checkpoint.version}` : ""}).
- **${o.tables} small tables** (${shapes.join(", ")}): ${sum(many.map(([, d]) => d.files))} data files, ${sum(many.map(([, d]) => d.records ?? 0))} rows in all, each synced for the first time (a FULL sync). Before each run the Iceberg metadata is put back as it was (for history, as synced at version ${h.version - 1}; for the others, none), so every round syncs the same.

Wall is the whole process, start to exit, as a task pays it; "outside the JVM" is the part of it when no JVM ran (wall minus the JVMs' own wall time, from GNU time): for \`pipegen xtable run\`, Node's start, its checks of the spec and the Delta table, and its reading of the result; for the runner started directly, the benchmark's java wrapper alone. "Runner's time for history" is what the runner reports for that table's sync (from its start to its result, leaving out the JVM's start, the reading of the config and the exit). CPU is user + system time of every process of the run (JVM threads, and Node for pipegen). Peak RSS is the JVM's (GNU time, on the JVM process), and for \`pipegen xtable run\` its Node process's too (VmHWM when the JVM exits). Every run exited 0 with every table SUCCESS in the sync mode expected, each incremental run added exactly one Iceberg snapshot, \`pipegen xtable verify\` passed on every table after every run, and pyiceberg read the same rows as deltalake after each variant's first run.

| comparison | ratio (median) | range over rounds | target | | CPU ratio (median) |
|---|---:|---:|---:|---|---:|
${ratioRows.join("\n")}

| run | wall (median) | range | CPU | outside the JVM | runner's time for history | JVM peak RSS (range) | Node peak RSS |
|---|---:|---:|---:|---:|---:|---:|---:|
${runRows.join("\n")}`;
}
