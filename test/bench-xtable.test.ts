/**
 * The XTable benchmark's checks (bench/xtable/checks.mjs) fail when a run
 * did not do what it is measured as doing. Its quick run in test/bench.test.ts
 * shows that they pass on the real runner's output; here, each is shown to
 * catch what it is there for, on output in the runner's protocol
 * (jars/README.md).
 */
import { describe, expect, it } from "vitest";
import {
  checkFigures,
  checkIncrementalSnapshot,
  checkSyncs,
  compareRows,
  type IcebergMetadata,
  syncSeconds,
  timeLines,
} from "../bench/xtable/checks.mjs";
import { comparisons, report, TARGETS, VARIANT_IDS, type VariantRound, verdict } from "../bench/xtable/report.mjs";

const entry = (
  table: string,
  sync: string | null = "INCREMENTAL",
  status = "SUCCESS",
  error: string | null = null,
) => ({
  table,
  format: "ICEBERG",
  status,
  error,
  sync,
});
const runnerOutput = (datasets: unknown[], ok = true) =>
  [
    "pipegen-xtable: history DELTA -> ICEBERG: SUCCESS (1.6s) - INCREMENTAL sync",
    `pipegen-xtable-result: ${JSON.stringify({ ok, datasets })}`,
  ].join("\n");
/** What `pipegen xtable run` prints: the JVM's lines on stderr behind "│ ", its own on stdout. */
const pipegenOutput = (datasets: unknown[]) =>
  `✓ history → ICEBERG (incremental)\n✓ 1 sync succeeded\n\n${runnerOutput(datasets)
    .split("\n")
    .map((l) => `│ ${l}`)
    .join("\n")}`;

describe("bench/xtable: checking a run's result line", () => {
  it.each([
    { given: "the runner's output", exitCode: 0, output: runnerOutput([entry("history")]), want: undefined },
    { given: "pipegen xtable run's output", exitCode: 0, output: pipegenOutput([entry("history")]), want: undefined },
    {
      given: "a FULL sync where an incremental one was expected",
      exitCode: 0,
      output: runnerOutput([entry("history", "FULL")]),
      want: "history (ICEBERG): a FULL sync, not INCREMENTAL",
    },
    {
      given: "a table that is up to date (nothing synced)",
      exitCode: 0,
      output: runnerOutput([entry("history", "UP_TO_DATE")]),
      want: "history (ICEBERG): a UP_TO_DATE sync, not INCREMENTAL",
    },
    {
      given: "a failed sync",
      exitCode: 1,
      output: runnerOutput([entry("history", null, "FAILED", "boom")], false),
      want: "it exited 1; its result line says ok=false; history (ICEBERG): FAILED (boom)",
    },
    {
      given: "a table left out",
      exitCode: 0,
      output: runnerOutput([]),
      want: "no result for history",
    },
    {
      given: "a table that was not given",
      exitCode: 0,
      output: runnerOutput([entry("history"), entry("other")]),
      want: "other (ICEBERG) was synced, but it was not given",
    },
    {
      given: "a table reported twice",
      exitCode: 0,
      output: runnerOutput([entry("history"), entry("history")]),
      want: "2 results for 1 tables",
    },
    {
      given: "no result line",
      exitCode: 0,
      output: "pipegen-xtable: starting",
      want: "it printed 0 result lines, not one",
    },
    {
      given: "two result lines",
      exitCode: 0,
      output: `${runnerOutput([entry("history")])}\n${runnerOutput([entry("history")])}`,
      want: "it printed 2 result lines, not one",
    },
    {
      given: "a killed JVM",
      exitCode: 137,
      output: "",
      want: "it exited 137; it printed 0 result lines, not one",
    },
  ])("$given", ({ exitCode, output, want }) => {
    const check = () => checkSyncs("run", { exitCode, output }, { history: "INCREMENTAL" });
    if (want === undefined) expect(check()).toBe(1);
    else expect(check).toThrow(`run: ${want}`);
  });

  it("reads the runner's time for one table, from either output", () => {
    expect(syncSeconds(runnerOutput([]), "history")).toBe(1.6);
    expect(syncSeconds(pipegenOutput([]), "history")).toBe(1.6);
    expect(() => syncSeconds(runnerOutput([]), "other")).toThrow("no SUCCESS line with a time for other");
  });

  it("reads GNU time's lines, skipping what it adds for a failed command", () => {
    const text =
      "Command exited with non-zero status 1\njvm 5.31 4.10 0.42 204800\nparent 76000\njvm 2.00 1.00 0.50 1024\n";
    expect(timeLines(text, "jvm")).toEqual([
      { wall: 5.31, cpu: 4.52, rssMb: 200 },
      { wall: 2, cpu: 1.5, rssMb: 1 },
    ]);
    expect(timeLines(text, "total")).toEqual([]);
  });
});

describe("bench/xtable: checking that an incremental sync added one snapshot for the new commit", () => {
  const snapshot = (id: number, version: number, summary: Record<string, string> = {}) => ({
    "snapshot-id": id,
    summary: {
      operation: "append",
      "added-data-files": "2",
      XTABLE_METADATA: JSON.stringify({ sourceIdentifier: String(version) }),
      ...summary,
    },
  });
  const before: IcebergMetadata = { "current-snapshot-id": 1, snapshots: [snapshot(1, 99)] };
  const withAdded = (...added: ReturnType<typeof snapshot>[]): IcebergMetadata => ({
    "current-snapshot-id": added.at(-1)?.["snapshot-id"] ?? 1,
    snapshots: [...before.snapshots, ...added],
  });

  it.each([
    { given: "one append naming the new version", got: withAdded(snapshot(2, 100)), want: undefined },
    {
      given: "the last synced commit applied again first",
      got: withAdded(snapshot(2, 99), snapshot(3, 100)),
      want: "2 new Iceberg snapshots, not one; the new snapshot names Delta version 99, not 100",
    },
    { given: "no new snapshot", got: withAdded(), want: "0 new Iceberg snapshots, not one" },
    {
      given: "a snapshot sync (every file replaced)",
      got: withAdded(snapshot(2, 100, { operation: "overwrite", "deleted-data-files": "199" })),
      want: "the new snapshot is a overwrite, not an append; the new snapshot deletes 199 data files",
    },
    {
      given: "an append of nothing",
      got: withAdded(snapshot(2, 100, { "added-data-files": "0" })),
      want: "the new snapshot adds no data file",
    },
    {
      given: "a new snapshot that is not the current one",
      got: { ...withAdded(snapshot(2, 100)), "current-snapshot-id": 1 },
      want: "the new snapshot is not the current one",
    },
  ])("$given", ({ got, want }) => {
    const check = () => checkIncrementalSnapshot(before, got, 100);
    if (want === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(want);
  });
});

describe("bench/xtable: checking that every run has the figures the tables print", () => {
  const jvm = { wall: 5.3, cpu: 4.5, rssMb: 200 };
  it.each([
    { given: "one JVM with every figure", run: { wall: 6, cpu: 5, jvms: [jvm] }, jvms: 1, want: undefined },
    {
      given: "pipegen starting a second JVM",
      run: { wall: 6, cpu: 5, jvms: [jvm, jvm] },
      jvms: 1,
      want: "it started 2 JVMs, not 1",
    },
    { given: "no JVM (java not run)", run: { wall: 6, cpu: 5, jvms: [] }, jvms: 1, want: "it started 0 JVMs, not 1" },
    {
      given: "GNU time's total line missing",
      run: { wall: 6, cpu: Number.NaN, jvms: [jvm] },
      jvms: 1,
      want: "GNU time gave no CPU time for it (NaN)",
    },
    {
      given: "a JVM with no peak RSS",
      run: { wall: 6, cpu: 5, jvms: [jvm, { ...jvm, rssMb: 0 }] },
      jvms: 2,
      want: "JVM 2: its rssMb is 0",
    },
    { given: "a run that never exited", run: { wall: undefined, cpu: 5, jvms: [jvm] }, jvms: 1, want: "its wall time" },
  ])("$given", ({ run, jvms, want }) => {
    const check = () => checkFigures("run", run as Parameters<typeof checkFigures>[1], jvms);
    if (want === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(`run: ${want}`);
  });
});

describe("bench/xtable: comparing the rows deltalake and pyiceberg read", () => {
  const rows = [{ id: 1 }, { id: 2 }];
  it.each([
    { given: "the same rows", got: { "/t/a": { delta: rows, iceberg: rows } }, want: undefined },
    {
      given: "a row missing from Iceberg",
      got: { "/t/a": { delta: rows, iceberg: rows.slice(1) } },
      want: "a (deltalake 2 rows, pyiceberg 1 rows, not the same)",
    },
    {
      given: "the same number of rows, another value",
      got: { "/t/a": { delta: rows, iceberg: [{ id: 1 }, { id: 3 }] } },
      want: "a (deltalake 2 rows, pyiceberg 2 rows, not the same)",
    },
    { given: "a table not read", got: {}, want: "a (deltalake cannot read, pyiceberg cannot read)" },
    {
      given: "a Delta table deltalake cannot read",
      got: { "/t/a": { delta: null, iceberg: rows } },
      want: "a (deltalake cannot read, pyiceberg 2)",
    },
    { given: "two empty tables", got: { "/t/a": { delta: [], iceberg: [] } }, want: "a (no rows)" },
  ])("$given", ({ got, want }) => {
    const check = () => compareRows(got, ["/t/a"]);
    if (want === undefined) expect(check()).toBe(2);
    else expect(check).toThrow(`pyiceberg and deltalake read different rows: ${want}`);
  });
});

/**
 * Rounds where every variant takes `base` seconds (wall and CPU), except
 * those given, as a ratio of the variant each is compared with.
 */
function measuredWith(ratios: Record<string, number>, rounds = 3): Record<string, VariantRound[]> {
  const against: Record<string, string> = {
    "pipegen-incremental": "runner-incremental",
    "one-jvm": "jvm-per-table",
    "runner-incremental": "runner-full",
    "warm-incremental": "warm-full",
  };
  const base = 10;
  const seconds = (id: string): number => (id in ratios ? ratios[id]! * seconds(against[id]!) : base);
  return Object.fromEntries(
    VARIANT_IDS.map((id) => [
      id,
      Array.from({ length: rounds }, (_, r) => {
        // The rounds differ a little, as on a busy machine; the ratios do not.
        const s = seconds(id) * (1 + r / 10);
        return { wall: s, cpu: s / 2, historySeconds: s / 4, jvmWall: [s - 0.5], jvmRssMb: 180, nodeRssMb: 75 };
      }),
    ]),
  );
}

describe("bench/xtable: the verdicts against issue 12's targets", () => {
  const o = { tables: 10, commits: 100 };
  const verdicts = (ratios: Record<string, number>) =>
    comparisons(measuredWith(ratios), o).map((c) => [c.spread.median.toFixed(3), c.verdict]);

  it("meets every target with numbers under them", () => {
    expect(
      verdicts({ "pipegen-incremental": 1.05, "one-jvm": 0.2, "runner-incremental": 0.1, "warm-incremental": 0.5 }),
    ).toEqual([
      ["1.050", "met"],
      ["0.200", "met"],
      ["0.100", "met"],
      ["0.500", "(not a target)"],
    ]);
  });

  it("meets a target with a ratio right at it", () => {
    expect(
      verdicts({ "pipegen-incremental": TARGETS.harness, "one-jvm": TARGETS.jvms, "runner-incremental": 0.2 }).map(
        ([, v]) => v,
      ),
    ).toEqual(["met", "met", "met", "(not a target)"]);
  });

  it.each([
    { given: "pipegen 1.15× the runner", ratios: { "pipegen-incremental": 1.15 }, missed: 0 },
    { given: "one JVM 0.46× one per table", ratios: { "one-jvm": 0.46 }, missed: 1 },
    { given: "incremental as slow as full", ratios: { "runner-incremental": 1.04 }, missed: 2 },
  ])("misses a target with numbers over it: $given", ({ ratios, missed }) => {
    const got = verdicts({ "pipegen-incremental": 1, "one-jvm": 0.2, "runner-incremental": 0.1, ...ratios });
    expect(got.flatMap(([, v], i) => (v === "not met" ? [i] : []))).toEqual([missed]);
  });

  it("takes the median over the rounds of ratios paired round by round", () => {
    const measured = measuredWith({});
    // Round 2's pipegen run is slow; the median of the paired ratios (1, 1, 2) is 1.
    measured["pipegen-incremental"]![1] = { ...measured["pipegen-incremental"]![1]!, wall: 22 };
    const [harness] = comparisons(measured, o);
    expect(harness!.wall).toEqual([1, 2, 1]);
    expect(harness!.verdict).toBe("met");
    measured["pipegen-incremental"]![2] = { ...measured["pipegen-incremental"]![2]!, wall: 24 };
    expect(comparisons(measured, o)[0]!.verdict).toBe("not met");
  });

  it.each([
    { given: "a missing figure", ratio: Number.NaN },
    { given: "a zero time", ratio: 0 },
    { given: "an infinite ratio", ratio: Number.POSITIVE_INFINITY },
  ])("refuses to judge $given", ({ ratio }) => {
    expect(() => verdict(ratio, 1.1)).toThrow("a figure is missing");
  });

  it("refuses variants measured in different numbers of rounds, or not at all", () => {
    const measured = measuredWith({});
    measured["runner-full"] = measured["runner-full"]!.slice(1);
    expect(() => comparisons(measured, o)).toThrow("runner-full 2");
    const { "warm-full": _, ...without } = measuredWith({});
    expect(() => comparisons(without, o)).toThrow("warm-full none");
    expect(() => comparisons({}, o)).toThrow("runner-incremental has 0");
  });

  it("writes the verdicts into the RESULTS.md section", () => {
    const raw = {
      opts: { ...o, reps: 3, warmups: 1 },
      machine: "2 × a CPU",
      flags: ["-Xmx2g", "--add-opens=x"],
      loadAtStart: "1.0 1.0 1.0",
      loadAtEnd: "2.0 2.0 2.0",
      minutes: 30,
      javaVersion: "openjdk 17",
      facts: { history: { version: 100, files: 201, records: 202 }, t01_a: { files: 2, records: 3 } },
      shapes: ["a"],
    };
    const rowOf = (markdown: string, start: string) => markdown.split("\n").find((l) => l.startsWith(`| ${start}`));
    const markdown = report({
      ...raw,
      measured: measuredWith({ "pipegen-incremental": 1.15, "one-jvm": 0.3, "runner-incremental": 1.04 }),
    });
    const row = (start: string) => rowOf(markdown, start);
    expect(row("Harness overhead")).toContain("| **1.150×** | 1.150×–1.150× | ≤ 1.1× | **not met** |");
    expect(row("One JVM vs many")).toContain("| **0.300×** | 0.300×–0.300× | ≤ 0.33× | **met** |");
    expect(row("Incremental vs full")).toContain("| **1.040×** | 1.040×–1.040× | ≤ 0.2× | **not met** |");
    // The median round's: 1.15 × the runner's 1.04 × 10 s × 1.1, 0.50 s of it outside the JVM.
    expect(row("`pipegen xtable run`, incremental")).toMatch(
      /^\| [^|]+ \| 13\.16 s \| [^|]+ \| [^|]+ \| 0\.50 s \| .* \| 75 MB \|$/,
    );
    // Just over the target: three places show why it is not met (two would print 1.10×).
    const justOver = report({
      ...raw,
      measured: measuredWith({ "pipegen-incremental": 1.1047, "one-jvm": 0.3, "runner-incremental": 0.1 }),
    });
    expect(rowOf(justOver, "Harness overhead")).toContain("| **1.105×** | 1.105×–1.105× | ≤ 1.1× | **not met** |");
  });
});
