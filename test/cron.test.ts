/**
 * pipegen's cron check against the cron timetable of the installed Airflow
 * (croniter 5.0.1 on 2.10.3, 6.2.4 on 3.3.1): every expression validate
 * accepts fires, and every day-of-month/month combination it refuses for
 * never firing does not.
 */
import { execa } from "execa";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronProblem } from "../src/spec/common.js";
import { GOLDEN_TARGETS } from "./helpers/golden.js";
import { venvBin } from "./helpers/python.js";

const part = (min: number, max: number) =>
  fc.oneof(
    fc.constant("*"),
    fc.integer({ min, max }).map(String),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: 12 })).map(([a, s]) => `${a}/${s}`),
    fc.integer({ min: 1, max: 12 }).map((s) => `*/${s}`),
  );
const field = (min: number, max: number) =>
  fc.array(part(min, max), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(","));

const EXPRESSIONS = fc.sample(
  fc
    .tuple(
      field(0, 59),
      field(0, 23),
      fc.oneof(field(1, 31), fc.constantFrom("29", "30", "31", "30,31", "31", "29-31")),
      fc.oneof(field(1, 12), fc.constantFrom("2", "4,6,9,11", "2,4", "feb", "apr-jun")),
      fc.oneof(fc.constant("*"), field(0, 7)),
    )
    .map((f) => f.join(" ")),
  { numRuns: 600, seed: 14909 },
);

describe.each(GOLDEN_TARGETS)("cron expressions on Airflow %s", (version) => {
  it("are accepted exactly when Airflow's timetable finds a next run", async () => {
    const r = await execa(venvBin(`airflow-${version}`, "python"), ["test/python/cron_oracle.py"], {
      input: EXPRESSIONS.join("\n"),
    });
    const verdicts = r.stdout.split("\n");
    const disagreements = EXPRESSIONS.map((expr, i) => ({
      expr,
      airflow: verdicts[i],
      pipegen: cronProblem(expr),
    })).filter((v) => (v.airflow === "fires") !== (v.pipegen === undefined));
    expect(disagreements).toEqual([]);
    expect(verdicts.filter((v) => v !== "fires").length).toBeGreaterThan(10);
  });
});
