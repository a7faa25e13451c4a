/**
 * Every benchmark under bench/. test/bench.test.ts reads this list: it runs
 * each benchmark's quick mode in `npm test` (the run must pass the
 * benchmark's own correctness checks; times are never checked: they belong
 * in the full runs and RESULTS.md), and checks that the command written in
 * each RESULTS.md section still runs.
 *
 * To add a benchmark:
 *  1. Parse its command line with `benchOptions()` (bench/lib/options.mjs).
 *     It then takes --quick (give it `quick:` defaults that finish in about a
 *     minute on 2 cores, RESULTS.md untouched), --no-build, --no-results
 *     and --check-args.
 *  2. Make its correctness checks throw (exit non-zero) when they fail, and
 *     call `checkPassed("…")` when one passes.
 *  3. Unless `results` is false, write its RESULTS.md section with
 *     `writeResultsSection(name, markdown, { command, commit })`
 *     (bench/lib/results.mjs): `command` from `commandLine()`, `commit` from
 *     `measuredCommit()` taken when the run starts. It puts them on the line
 *     under the section's heading, which npm test reads back.
 *  4. Add an entry here: `name` is its RESULTS.md section
 *     (`<!-- name:begin -->`), `command` how to run it from the repository's
 *     root, `venvs` what test/python/setup-venvs.sh must build before its
 *     quick run (built once, cached in .cache/venvs), `checks` what a quick
 *     run must report as passed.
 */

/**
 * @typedef {object} Benchmark
 * @property {string} name        its RESULTS.md section
 * @property {string[]} command   runner and script, relative to the repository's root
 * @property {string[]} venvs     test/python/requirements/<venv>.txt it needs
 * @property {RegExp[]} checks    `check passed:` lines its quick run must print
 */

/** @type {Benchmark[]} */
export const BENCHMARKS = [
  {
    name: "parse-cost",
    command: ["node", "bench/parse-cost/run.mjs"],
    venvs: ["bench-dagfactory-2.10.3", "bench-dagfactory-3.3.1"],
    checks: [
      /^Airflow 2\.10\.3, N=20: 20 DAGs, \d+ tasks in each bag, 0 import errors, the same DAGs, tasks, edges and arguments in all three$/,
      /^Airflow 3\.3\.1, N=20: 20 DAGs, \d+ tasks in each bag, 0 import errors, the same DAGs, tasks, edges and arguments in all three$/,
      /^every measured run \(12\) parsed exactly its N DAGs with no import errors$/,
    ],
  },
  {
    name: "render-throughput",
    command: ["node", "bench/render-throughput/run.mjs"],
    venvs: [],
    checks: [
      /^yaml: the read \+ write floor, check-floor\.mjs and pipegen render each wrote 200 files in 2 runs$/,
      /^ts: the read \+ write floor, check-floor\.mjs and pipegen render each wrote 200 files in 2 runs$/,
      /^pipegen renders the 200 YAML and the 200 TypeScript specs to the same 200 DAG files, one per spec$/,
    ],
  },
  {
    name: "deploy",
    command: ["node_modules/.bin/jiti", "bench/deploy.ts"],
    venvs: ["moto", "bench-awscli"],
    checks: [
      /^after each of the 12 deploys the bucket held exactly the bundle's 102 files, with the same content$/,
      /^none of the 7 no-op deploys wrote to the bucket/,
    ],
  },
  {
    name: "xtable",
    command: ["node", "bench/xtable/run.mjs"],
    venvs: ["delta"],
    checks: [
      /^all 10 runs exited 0, and their result lines reported 14 syncs, each SUCCESS in the sync mode expected, for exactly the tables given$/,
      /^every incremental run \(3\) was INCREMENTAL per its result line and added exactly one Iceberg snapshot, an append naming Delta version 20$/,
      /^each run started the JVMs it should: 1 for the 3 tables in one datasetConfig, 3 for one JVM per table, 1 for every other run \(pipegen xtable run's included\)$/,
      /^GNU time gave every run's wall and CPU time and every JVM's peak RSS \(10 runs, 10 JVMs\)$/,
      /^pipegen xtable verify passed on every synced table after every run \(14 verifications\)$/,
      /^pyiceberg read the same rows as deltalake from every table synced by each variant's first run \(13 tables, \d+ rows\)$/,
    ],
  },
];
