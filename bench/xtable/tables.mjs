/**
 * The XTable benchmark's Delta tables, written by a real Delta writer
 * (deltalake, through test/python/xtable_fixtures.py in the `delta` venv),
 * and the states the runs start from.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../lib/results.mjs";
import { compareRows } from "./checks.mjs";

const PYTHON = path.join(ROOT, ".cache/venvs/delta/bin/python");
const FIXTURES = path.join(ROOT, "test/python/xtable_fixtures.py");

/**
 * The Delta shapes of xtable_fixtures.py that the many-tables comparison
 * cycles through: unpartitioned and partitioned, appends, overwrite, delete,
 * merge, schema evolution, every column type, a checkpoint.
 */
export const SHAPES = [
  "unpartitioned",
  "partitioned_date",
  "partitioned_string",
  "appends",
  "overwrite",
  "delete",
  "merge",
  "schema_evolution",
  "all_types",
  "checkpoint",
];

/** Runs xtable_fixtures.py; its JSON output. */
function fixtures(args) {
  const r = spawnSync(PYTHON, [FIXTURES, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  if (r.status !== 0)
    throw new Error(`test/python/xtable_fixtures.py ${args[0]} exited ${r.status}:\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout);
}

/**
 * Writes the tables under `dir`: `history` (partitioned by a string column,
 * `commits` commits of two rows each), `warmup` (one commit), and `n` small
 * tables `t01_<shape>`, … cycling through SHAPES.
 * @returns their paths and Delta versions, by name
 */
export function writeTables(dir, { commits, n }) {
  const many = Array.from({ length: n }, (_, i) => {
    const shape = SHAPES[i % SHAPES.length];
    return { name: `t${String(i + 1).padStart(2, "0")}_${shape}`, shape };
  });
  const cases = ["history=partitioned_string", "warmup=unpartitioned", ...many.map((t) => `${t.name}=${t.shape}`)];
  const { cases: built } = fixtures(["delta", dir, cases.join(",")]);
  // partitioned_string is two commits (versions 0 and 1).
  const { version } = appendCommits(built.history.path, commits - 2);
  if (version !== commits - 1) throw new Error(`the history table is at version ${version}, not ${commits - 1}`);
  return {
    history: built.history.path,
    warmup: built.warmup.path,
    many: many.map((t) => ({ ...t, path: built[t.name].path })),
  };
}

/** Appends commits of two rows each; returns the table's new version. */
export const appendCommits = (table, commits) => fixtures(["append", table, String(commits)]);

/**
 * Saves a table's Iceberg metadata folder, or puts a saved one back. A sync
 * writes nothing else: the Delta log and data files stay as they are, with
 * the modification times Delta takes its commit times from (and XTable's
 * incremental sync compares with the last synced instant; a copy through
 * Node would round them to the microsecond).
 */
export function copyIceberg(fromTable, toTable) {
  const to = path.join(toTable, "metadata");
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(path.join(fromTable, "metadata"), to, { recursive: true });
}

/** Removes a table's Iceberg metadata, so that its next sync is its first. */
export const dropIceberg = (table) => fs.rmSync(path.join(table, "metadata"), { recursive: true, force: true });

/** The current Iceberg metadata that HadoopTables wrote beside a Delta table. */
export function icebergMetadata(table) {
  const dir = path.join(table, "metadata");
  const version = fs.readFileSync(path.join(dir, "version-hint.text"), "utf8").trim();
  return JSON.parse(fs.readFileSync(path.join(dir, `v${version}.metadata.json`), "utf8"));
}

/**
 * Reads every table through deltalake and through pyiceberg (from the
 * Iceberg metadata XTable wrote) and checks that both give the same rows.
 * @returns the number of rows read from each side
 * @throws naming the tables whose rows differ
 */
export const checkRows = (tables) => compareRows(fixtures(["rows", ...tables]), tables);
