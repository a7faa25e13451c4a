/**
 * How the XTable benchmark reads what a run printed and wrote: the runner's
 * result line, its per-table timings, GNU time's figures and the Iceberg
 * snapshots an incremental sync added. Plain functions on text and JSON, so
 * that test/bench.test.ts can show that each check fails when it should.
 *
 * The result line is read here independently of pipegen's own reader
 * (src/xtable/run.ts): the benchmark checks the runner's protocol
 * (jars/README.md), it does not take pipegen's word for it.
 */

const RESULT_PREFIX = "pipegen-xtable-result:";

/**
 * The output lines of the runner. `pipegen xtable run` streams the JVM's
 * lines to its stderr behind "│ "; the runner started directly prints them
 * as they are.
 */
const runnerLines = (output) => output.split("\n").map((l) => l.replace(/^│ /, "").trim());

/**
 * The JSON of the one result line in a run's output.
 * @throws when there is not exactly one, or it is not JSON
 */
export function resultOf(output) {
  const lines = runnerLines(output).filter((l) => l.startsWith(RESULT_PREFIX));
  if (lines.length !== 1) throw new Error(`it printed ${lines.length} result lines, not one`);
  try {
    return JSON.parse(lines[0].slice(RESULT_PREFIX.length));
  } catch (e) {
    throw new Error(`its result line is not JSON (${e.message})`);
  }
}

/**
 * Checks that a run exited 0 and that its result line reports exactly the
 * tables it was given, each synced to ICEBERG with SUCCESS in the sync mode
 * expected (XTable's own word: FULL for a snapshot sync, INCREMENTAL when it
 * applied the new Delta commits one by one).
 * @param {string} label  the run, for the message
 * @param {{exitCode: number, output: string}} run
 * @param {Record<string, string>} want  table name → sync mode
 * @returns the number of syncs checked
 * @throws naming every difference
 */
export function checkSyncs(label, { exitCode, output }, want) {
  const problems = exitCode === 0 ? [] : [`it exited ${exitCode}`];
  let result;
  try {
    result = resultOf(output);
  } catch (e) {
    throw new Error(`${label}: ${[...problems, e.message].join("; ")}`);
  }
  if (result.ok !== true) problems.push(`its result line says ok=${result.ok}`);
  const datasets = Array.isArray(result.datasets) ? result.datasets : [];
  for (const d of datasets) {
    const name = `${d.table} (${d.format})`;
    if (!(d.table in want)) problems.push(`${name} was synced, but it was not given`);
    else if (d.format !== "ICEBERG") problems.push(`${name}: not an ICEBERG target`);
    else if (d.status !== "SUCCESS") problems.push(`${name}: ${d.status}${d.error ? ` (${d.error})` : ""}`);
    else if (d.sync !== want[d.table]) problems.push(`${name}: a ${d.sync} sync, not ${want[d.table]}`);
  }
  const reported = new Set(datasets.map((d) => d.table));
  const missing = Object.keys(want).filter((t) => !reported.has(t));
  if (missing.length > 0) problems.push(`no result for ${missing.join(", ")}`);
  if (datasets.length !== Object.keys(want).length && missing.length === 0)
    problems.push(`${datasets.length} results for ${Object.keys(want).length} tables`);
  if (problems.length > 0) throw new Error(`${label}: ${problems.join("; ")}`);
  return datasets.length;
}

/**
 * The seconds the runner reports for one table's sync (its stdout line
 * `pipegen-xtable: <table> DELTA -> ICEBERG: SUCCESS (5.4s)`), which leave out
 * the JVM's start and the reading of the config. To 0.1 s.
 * @throws when the run printed no such line
 */
export function syncSeconds(output, table) {
  for (const line of runnerLines(output)) {
    const m = /^pipegen-xtable: (\S+) DELTA -> ICEBERG: SUCCESS \((\d+(?:\.\d+)?)s\)/.exec(line);
    if (m && m[1] === table) return Number(m[2]);
  }
  throw new Error(`the runner printed no SUCCESS line with a time for ${table}`);
}

/**
 * GNU time's `%e %U %S %M` (wall s, user s, system s, peak RSS KiB) as
 * numbers; the lines it may add ("Command exited with non-zero status 1") are
 * skipped.
 * @param {string} text  what `time -f '<tag> %e %U %S %M'` wrote, one line per process
 * @param {string} tag   the first word of the lines to read
 */
export function timeLines(text, tag) {
  return text
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w[0] === tag && w.length === 5 && w.slice(1).every((x) => /^\d+(\.\d+)?$/.test(x)))
    .map(([, wall, user, system, rssKiB]) => ({
      wall: Number(wall),
      cpu: Number(user) + Number(system),
      rssMb: Number(rssKiB) / 1024,
    }));
}

const xtableSourceVersion = (snapshot) => {
  try {
    return JSON.parse(snapshot.summary?.XTABLE_METADATA ?? "{}").sourceIdentifier;
  } catch {
    return undefined;
  }
};

/**
 * Checks that an incremental sync of one new Delta commit did what XTable's
 * incremental mode does: exactly one new Iceberg snapshot, now current, an
 * append of that commit's files only, naming the commit's Delta version. A
 * snapshot (FULL) sync would also add one snapshot, but it would replace
 * every file.
 * @param {object} before  the Iceberg table metadata (vN.metadata.json) before the sync
 * @param {object} after   the same after it
 * @param {number} version the new Delta commit's version
 * @throws naming what differs
 */
export function checkIncrementalSnapshot(before, after, version) {
  const known = new Set(before.snapshots.map((s) => s["snapshot-id"]));
  const added = after.snapshots.filter((s) => !known.has(s["snapshot-id"]));
  const problems = [];
  if (added.length !== 1) problems.push(`${added.length} new Iceberg snapshots, not one`);
  for (const s of added) {
    const summary = s.summary ?? {};
    if (summary.operation !== "append") problems.push(`the new snapshot is a ${summary.operation}, not an append`);
    if (!(Number(summary["added-data-files"]) > 0)) problems.push("the new snapshot adds no data file");
    if (summary["deleted-data-files"] !== undefined)
      problems.push(`the new snapshot deletes ${summary["deleted-data-files"]} data files`);
    if (xtableSourceVersion(s) !== String(version))
      problems.push(`the new snapshot names Delta version ${xtableSourceVersion(s)}, not ${version}`);
  }
  if (added.length === 1 && after["current-snapshot-id"] !== added[0]["snapshot-id"])
    problems.push("the new snapshot is not the current one");
  if (problems.length > 0) throw new Error(problems.join("; "));
}

/**
 * Checks that a run started the JVMs it should (pipegen xtable run starts
 * exactly one, like the runner started directly) and that GNU time gave
 * every figure the tables print: a run whose wall time, CPU time or peak RSS
 * is missing must not reach RESULTS.md as NaN or 0.
 * @param {string} label  the run, for the message
 * @param {{wall: number, cpu: number, jvms: {wall: number, cpu: number, rssMb: number}[]}} run
 * @param {number} jvms  how many JVMs it should have started
 * @throws naming every difference
 */
export function checkFigures(label, { wall, cpu, jvms }, want) {
  const problems = [];
  if (jvms.length !== want) problems.push(`it started ${jvms.length} JVMs, not ${want}`);
  const bad = (x) => !(Number.isFinite(x) && x > 0);
  if (bad(wall)) problems.push(`its wall time is ${wall}`);
  if (bad(cpu)) problems.push(`GNU time gave no CPU time for it (${cpu})`);
  for (const [i, j] of jvms.entries())
    for (const key of ["wall", "cpu", "rssMb"]) if (bad(j[key])) problems.push(`JVM ${i + 1}: its ${key} is ${j[key]}`);
  if (problems.length > 0) throw new Error(`${label}: ${problems.join("; ")}`);
}

/**
 * Compares what deltalake and pyiceberg read from each table
 * (`xtable_fixtures.py rows`: sorted rows as JSON, per table path).
 * @param {Record<string, {delta?: unknown[] | null, iceberg?: unknown[]}>} rows
 * @param {string[]} tables  the table paths that must be there
 * @returns the number of rows read from each side, all tables together
 * @throws naming the tables whose rows differ, or that read no rows
 */
export function compareRows(rows, tables) {
  const differ = [];
  let count = 0;
  for (const t of tables) {
    const { delta, iceberg } = rows[t] ?? {};
    const name = t.split("/").at(-1);
    if (!Array.isArray(delta) || !Array.isArray(iceberg))
      differ.push(
        `${name} (deltalake ${delta?.length ?? "cannot read"}, pyiceberg ${iceberg?.length ?? "cannot read"})`,
      );
    else if (delta.length === 0) differ.push(`${name} (no rows)`);
    else if (JSON.stringify(delta) !== JSON.stringify(iceberg))
      differ.push(`${name} (deltalake ${delta.length} rows, pyiceberg ${iceberg.length} rows, not the same)`);
    else count += delta.length;
  }
  if (differ.length > 0) throw new Error(`pyiceberg and deltalake read different rows: ${differ.join(", ")}`);
  return count;
}
