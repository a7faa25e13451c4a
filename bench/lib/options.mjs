/**
 * The command line every benchmark takes, parsed strictly with node:util's
 * parseArgs: an unknown or misspelt option is an error, so a command written
 * in RESULTS.md that a benchmark no longer takes fails its test
 * (test/bench.test.ts runs each one with --check-args).
 *
 * Options every benchmark has, besides its own:
 *   --quick        its smoke-test size (about a minute on 2 cores), RESULTS.md
 *                  untouched; what `npm test` runs. Its own options still apply.
 *   --no-results   print only, RESULTS.md untouched
 *   --no-build     skip `npm run build` (npm test has built pipegen already,
 *                  and rebuilding under running tests would race them)
 *   --check-args   parse the command line, print the options as JSON, exit 0
 *   -h, --help
 */
import { parseArgs } from "node:util";

const COMMON = {
  quick: { type: "boolean" },
  "no-results": { type: "boolean" },
  "no-build": { type: "boolean" },
  "check-args": { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/** A positive integer option. */
export function integer(raw, name) {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive integer, got "${raw}"`);
  return n;
}

/** A comma-separated list of positive integers. */
export const integers = (raw, name) =>
  String(raw)
    .split(",")
    .map((x) => integer(x, name));

/** A comma-separated list of words. */
export const words = (raw) =>
  String(raw)
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

/**
 * Parses a benchmark's command line.
 *
 * @param {object} spec
 * @param {string} spec.name      the benchmark, for messages
 * @param {string} spec.usage     printed by --help
 * @param {Record<string, {type?: "string" | "boolean", default?: string | boolean, parse?: (raw: string, name: string) => unknown}>} spec.options
 *        its own options; values are parsed from their text, defaults too
 * @param {Record<string, string>} [spec.quick]  defaults that --quick sets instead
 * @param {string[]} [argv]
 * @returns the options (camelCase), plus `quick`, `results` (write RESULTS.md),
 *          `build` and `argv` (the arguments as given, for the results' provenance)
 */
export function benchOptions({ name, usage, options, quick = {} }, argv = process.argv.slice(2)) {
  const fail = (message) => {
    process.stderr.write(`${name}: ${message} (--help lists the options)\n`);
    process.exit(2);
  };
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...COMMON,
        ...Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type ?? "string" }])),
      },
    }));
  } catch (e) {
    fail(e.message);
  }
  if (values.help) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  const opts = {};
  for (const [k, o] of Object.entries(options)) {
    const raw = values[k] ?? (values.quick && k in quick ? quick[k] : o.default);
    try {
      opts[camel(k)] = o.parse && raw !== undefined ? o.parse(raw, k) : raw;
    } catch (e) {
      fail(e.message);
    }
  }
  Object.assign(opts, {
    quick: Boolean(values.quick),
    results: !values.quick && !values["no-results"],
    build: !values["no-build"],
    argv,
  });
  if (values["check-args"]) {
    process.stdout.write(`${JSON.stringify(opts)}\n`);
    process.exit(0);
  }
  return opts;
}

/**
 * Says that one of the benchmark's correctness checks passed. A benchmark
 * throws (and exits non-zero) when a check fails; test/bench.test.ts looks
 * for these lines to see that the quick run made the checks it must make.
 */
export function checkPassed(what) {
  process.stderr.write(`check passed: ${what}\n`);
}
