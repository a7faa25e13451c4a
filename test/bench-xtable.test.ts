/**
 * The XTable benchmark's checks (bench/xtable/checks.mjs) fail when a run
 * did not do what it is measured as doing. Its quick run in test/bench.test.ts
 * shows that they pass on the real runner's output; here, each is shown to
 * catch what it is there for, on output in the runner's protocol
 * (jars/README.md).
 */
import { describe, expect, it } from "vitest";
import {
  checkIncrementalSnapshot,
  checkSyncs,
  type IcebergMetadata,
  syncSeconds,
  timeLines,
} from "../bench/xtable/checks.mjs";

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
