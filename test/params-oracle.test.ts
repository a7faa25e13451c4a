/**
 * pipegen's check of param values against Airflow's own: each value is given
 * to `Param(value, **schema).resolve()` in real Airflow (jsonschema with its
 * FormatChecker, as on every run and at import). Airflow accepts every
 * value pipegen accepts, and the verdicts agree exactly but where pipegen is
 * stricter by design: a date-time must have a zone, as RFC 3339 says
 * (Airflow 2 takes a local one with a deprecation warning; Airflow 3.3.1's
 * venv lacks rfc3339-validator, so it checks none), and a time's digits are
 * ASCII ("٠٦:00:00" passes Python's strptime). And a manual-only DAG may
 * leave a param without a default: it imports, and a triggered run renders
 * the value it was given.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { renderPipelines } from "../src/pipeline-run.js";
import { type JsonValue, type ParamConstraints, valueProblem } from "../src/spec/params.js";
import { writeBundle } from "../src/write/index.js";
import { ROOT } from "./helpers/cli.js";
import { GOLDEN_TARGETS, RUN_INTERVAL } from "./helpers/golden.js";
import { pythonJson, venvBin } from "./helpers/python.js";

type Case = { schema: Record<string, unknown>; value: JsonValue };

const CASES: Case[] = [
  ...[1, 1.0, 1.5, -3, 0, true, "1", null].flatMap((value) => [
    { schema: { type: "integer" }, value },
    { schema: { type: "number" }, value },
    { schema: { type: ["integer", "null"] }, value },
  ]),
  ...[true, false, 0, 1, "true", null].map((value) => ({ schema: { type: "boolean" }, value })),
  ...[0, 1, 5, 10, 11, 10.5].flatMap((value) => [
    { schema: { type: "integer", minimum: 1, maximum: 10 }, value },
    { schema: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 10 }, value },
  ]),
  ...[0.3, 0.5, 0.75, 1, 3, 4, -4, 2.5].flatMap((value) => [
    { schema: { type: "number", multipleOf: 0.1 }, value },
    { schema: { type: "number", multipleOf: 0.25 }, value },
    { schema: { type: "number", multipleOf: 2 }, value },
  ]),
  ...["", "a", "ab", "abc", "日本", "😀😀", "e\u0301"].flatMap((value) => [
    { schema: { type: "string", minLength: 1, maxLength: 2 }, value },
  ]),
  ...["us", "eu", "US", "", 1].map((value) => ({ schema: { type: "string", enum: ["us", "eu"] }, value })),
  ...[1, true, 1.0, "1"].map((value) => ({
    schema: { type: ["integer", "boolean", "string"], enum: [1, "1"] },
    value,
  })),
  ...[
    "2024-03-05",
    "2024-02-29",
    "2023-02-29",
    "2024-13-01",
    "2024-04-31",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2024-3-5",
    "20240305",
    "2024-03-05T06:00:00Z",
    " 2024-03-05",
    "２０２４-03-05",
  ].map((value) => ({ schema: { type: "string", format: "date" }, value })),
  ...[
    "2024-03-05T06:00:00Z",
    "2024-03-05t06:00:00z",
    "2024-03-05T06:00:00.123+01:00",
    "2024-03-05T06:00:00",
    "2024-03-05 06:00:00Z",
    "2024-03-05T24:00:00Z",
    "2024-03-05T23:59:60Z",
    "2024-02-30T06:00:00Z",
    "2024-03-05T06:00:00+24:00",
  ].map((value) => ({ schema: { type: "string", format: "date-time" }, value })),
  ...["06:00:00Z", "06:00:00", "6:0:0", "23:59:60", "23:59:62", "25:00:00", "06:00", "06:00:00.5", "٠٦:00:00"].map(
    (value) => ({
      schema: { type: "string", format: "time" },
      value,
    }),
  ),
  ...[[], ["a"], ["a", "b", "c"], ["a", 1], "a"].map((value) => ({
    schema: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 2 },
    value: value as JsonValue,
  })),
  ...[{}, { a: 1 }, [], null].map((value) => ({ schema: { type: "object" }, value: value as JsonValue })),
];

async function airflowVerdicts(version: string): Promise<boolean[]> {
  const home = await mkdtemp(path.join(tmpdir(), "pipegen-params-airflow-home-"));
  try {
    const r = await execa(venvBin(`airflow-${version}`, "python"), [`${ROOT}test/python/check_param_values.py`], {
      input: JSON.stringify(CASES),
      env: { AIRFLOW_HOME: home, AIRFLOW__CORE__LOAD_EXAMPLES: "False" },
    });
    return JSON.parse(r.stdout) as boolean[];
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const pipegenVerdicts = () =>
  CASES.map((c) => valueProblem(c.value, c.schema as unknown as ParamConstraints) === undefined);

describe.each(GOLDEN_TARGETS)("param values on Airflow %s", (version) => {
  it("are accepted by Airflow whenever pipegen accepts them, and refused when it refuses them (but where pipegen is stricter)", async () => {
    const airflow = await airflowVerdicts(version);
    const pipegen = pipegenVerdicts();
    const rows = CASES.map((c, i) => ({ ...c, pipegen: pipegen[i], airflow: airflow[i] }));
    // Both verdicts are seen: the cases are not all one way.
    expect(new Set(pipegen)).toEqual(new Set([true, false]));
    expect(rows.filter((r) => r.pipegen && !r.airflow)).toEqual([]);
    const stricterByDesign = (r: (typeof rows)[number]) => r.schema.format === "date-time" || r.value === "٠٦:00:00";
    expect(rows.filter((r) => r.pipegen !== r.airflow && !stricterByDesign(r))).toEqual([]);
    expect(rows.filter((r) => stricterByDesign(r) && r.pipegen !== r.airflow).length).toBeGreaterThan(0);
  });
});

describe.each(GOLDEN_TARGETS)("a manual-only DAG with a param that has no default, on Airflow %s", (version) => {
  it("imports, and a run triggered with the param renders it", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "pipegen-params-manual-"));
    try {
      await writeFile(
        path.join(work, "day_export.pipeline.yaml"),
        [
          "id: day_export",
          `airflowVersion: "${version}"`,
          "schedule: null",
          'startDate: "2024-01-01"',
          "connections: { redshift: { workgroup: analytics, database: dev } }",
          "params: { day: { type: string, format: date, description: The day to export } }",
          "steps:",
          "  - { id: unload_day, kind: unload, query: \"SELECT 1 WHERE d = '{{ params.day }}'\", to: 's3://export-bucket/x/' }",
          "",
        ].join("\n"),
      );
      const files = await renderPipelines({ cwd: work, paths: ["."] });
      await writeBundle(path.join(work, "dist"), files);
      const bag = await pythonJson<{
        import_errors: Record<string, string>;
        dags: Record<
          string,
          {
            params: Record<string, { has_default: boolean }>;
            tasks: Record<string, { rendered_manual: Record<string, unknown> }>;
          }
        >;
      }>(`airflow-${version}`, [
        "test/python/inspect_dags.py",
        path.join(work, "dist/dags"),
        ...RUN_INTERVAL,
        "--conf",
        JSON.stringify({ day: "2024-03-05" }),
      ]);
      expect(bag.import_errors).toEqual({});
      expect(bag.dags.day_export!.params.day!.has_default).toBe(false);
      expect(bag.dags.day_export!.tasks.unload_day!.rendered_manual.sql).toBe(
        "UNLOAD ('SELECT 1 WHERE d = ''2024-03-05''') TO 's3://export-bucket/x/' IAM_ROLE default",
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
