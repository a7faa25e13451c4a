/** Run parameters: given a spec's params (and where it uses them), want exactly these problems. */
import { describe, expect, it } from "vitest";
import { valueProblem } from "../../src/spec/params.js";
import { basePipeline, problemsOf, resolved } from "../helpers/spec.js";

const withParams = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  basePipeline({ params, ...extra });

describe("param declarations", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["a valid string param", { region: { type: "string", enum: ["us", "eu"], default: "us" } }, []],
    ["a nullable date", { run_date: { type: ["string", "null"], format: "date", default: null } }, []],
    [
      "an integer with bounds",
      { batch: { type: "integer", minimum: 1, maximum: 10, default: 5, description: "rows per batch" } },
      [],
    ],
    ["a list of strings", { tables: { type: "array", items: { type: "string", minLength: 1 }, default: ["a"] } }, []],
    [
      "a default of the wrong type",
      { batch: { type: "integer", default: "5" } },
      [
        'params.batch.default: does not fit the param\'s schema: "5" is not of type integer — Airflow checks defaults with jsonschema and refuses a scheduled DAG whose defaults fail',
      ],
    ],
    [
      "a default outside the bounds",
      { batch: { type: "integer", maximum: 10, default: 11 } },
      [
        "params.batch.default: does not fit the param's schema: 11 is greater than maximum 10 — Airflow checks defaults with jsonschema and refuses a scheduled DAG whose defaults fail",
      ],
    ],
    [
      "a default not in the enum",
      { region: { type: "string", enum: ["us", "eu"], default: "ap" } },
      [
        'params.region.default: does not fit the param\'s schema: "ap" is not one of "us", "eu" — Airflow checks defaults with jsonschema and refuses a scheduled DAG whose defaults fail',
      ],
    ],
    [
      "a date that is not one",
      { run_date: { type: "string", format: "date", default: "2024-02-30" } },
      [
        'params.run_date.default: does not fit the param\'s schema: "2024-02-30" is not a date (YYYY-MM-DD) — Airflow checks defaults with jsonschema and refuses a scheduled DAG whose defaults fail',
      ],
    ],
    [
      "an enum value of another type",
      { n: { type: "integer", enum: [1, "two"], default: 1 } },
      ['params.n.enum[1]: can never be a value: "two" is not of type integer'],
    ],
    [
      "a keyword for another type",
      { n: { type: "integer", format: "date", default: 1 } },
      ["params.n.format: applies to string values, but type is integer"],
    ],
    [
      "bounds that cross",
      { n: { type: "integer", minimum: 5, maximum: 1, default: 1 } },
      [
        "params.n.minimum: is above maximum (1): no value fits",
        "params.n.default: does not fit the param's schema: 1 is less than minimum 5 — Airflow checks defaults with jsonschema and refuses a scheduled DAG whose defaults fail",
      ],
    ],
    [
      "an unknown type",
      { n: { type: "int", default: 1 } },
      [
        'params.n.type: must be one of "string", "integer", "number", "boolean", "array", "object", "null", or a list of them',
      ],
    ],
    [
      "a pattern",
      { n: { type: "string", pattern: "^a", default: "a" } },
      ['params.n.pattern: unknown key "pattern" — remove it; see `pipegen schema` for the allowed keys'],
    ],
    [
      "a name templates cannot read",
      { "run-date": { type: "string", default: "x" } },
      [
        "params.run-date: must be a lowercase identifier (letters, digits, '_'; starts with a letter), as templates read params.<name>",
      ],
    ],
    [
      "a name Jinja reads as a method of the params mapping",
      { items: { type: "string", default: "x" } },
      [
        "params.items: is a method of Airflow's params mapping: params.<name> in a template would be the method, not the param",
      ],
    ],
    [
      "no default on a scheduled DAG",
      { run_date: { type: "string", format: "date" } },
      [
        'params.run_date: has no default, but the DAG has a schedule: Airflow refuses to import it, as a scheduled run could not have a value — give it a default (null, with type [string, "null"], leaves it empty), or set schedule: null for manual runs only',
      ],
    ],
  ])("%s", (_, params, want) => {
    expect(problemsOf(withParams(params))).toEqual(want);
  });

  it("lets a manual-only DAG leave a param without a default", () => {
    expect(problemsOf(withParams({ run_date: { type: "string", format: "date" } }, { schedule: null }))).toEqual([]);
  });
});

describe("${params.<name>} placeholders", () => {
  const sensor = (key: string) => [{ id: "wait", kind: "s3Sensor", bucket: "landing-bucket", key }];
  const PARAMS = {
    region: { type: "string", enum: ["us", "eu-west"], default: "us" },
    run_date: { type: ["string", "null"], format: "date", default: null },
    note: { type: "string", default: "" },
    batch: { type: "integer", default: 1 },
    odd: { type: "string", enum: ["a'b"], default: "a'b" },
  };

  it.each<[string, string, string[]]>([
    ["an enum of plain words", "in/${params.region}/x.csv", []],
    ["a date", "in/${params.run_date}/x.csv", []],
    ["a number", "in/${params.batch}/x.csv", []],
    [
      "an undeclared name",
      "in/${params.regoin}/x.csv",
      ["steps[0].key: ${params.regoin} names no param of this pipeline — did you mean ${params.region}?"],
    ],
    [
      "free text",
      "in/${params.note}/x.csv",
      [
        "steps[0].key: ${params.note} cannot stand in text: the param is free text, which could hold a quote, a backslash or a colon and change what the text around it means — give it an enum of plain words, format: date, or a number or boolean type; raw Jinja ({{ params.<name> }}) is written as you write it",
      ],
    ],
    [
      "an enum with a quote",
      "in/${params.odd}/x.csv",
      [
        'steps[0].key: ${params.odd} cannot stand in text: the param may be "a\'b", which holds characters other than letters, digits and . _ / = - — give it an enum of plain words, format: date, or a number or boolean type; raw Jinja ({{ params.<name> }}) is written as you write it',
      ],
    ],
    [
      "a placeholder that is neither a date nor a param",
      "in/${param.region}/x.csv",
      [
        "steps[0].key: unknown placeholder ${param.region}; known: ${YYYY}, ${MM}, ${DD}, ${HH}, ${DATE}, ${DATE_NODASH}, ${params.<name>}",
      ],
    ],
  ])("%s", (_, key, want) => {
    expect(problemsOf(withParams(PARAMS, { steps: sensor(key) }))).toEqual(want);
  });

  it("renders to the param's value, read at run time, as Jinja", () => {
    const ctx = resolved(withParams(PARAMS, { steps: sensor("in/${params.region}/dt=${DATE}/") }));
    expect(ctx.templated("in/${params.region}/dt=${DATE}/")).toBe(
      "in/{{ params.region }}/dt={{ data_interval_start.strftime('%Y-%m-%d') }}/",
    );
    expect(ctx.templated('{{ "r=${params.region}" | upper }}')).toBe('{{ ("r=" ~ params.region) | upper }}');
  });
});

describe("dateParam", () => {
  const RUN_DATE = { type: ["string", "null"], format: "date", default: null };

  it("makes every date placeholder read the param when a run sets it", () => {
    const spec = withParams({ run_date: RUN_DATE }, { dateParam: "run_date" });
    expect(resolved(spec, "2.10.3").templated("dt=${DATE}/h=${HH}")).toBe(
      "dt={{ (macros.datetime.fromisoformat(params.run_date) if params.run_date else data_interval_start).strftime('%Y-%m-%d') }}/h={{ (macros.datetime.fromisoformat(params.run_date) if params.run_date else data_interval_start).strftime('%H') }}",
    );
    expect(resolved(spec, "3.3.1").templated("${DATE}")).toBe(
      "{{ (macros.datetime.fromisoformat(params.run_date) if params.run_date else (data_interval_start | default(dag_run.run_after, true))).strftime('%Y-%m-%d') }}",
    );
  });

  it.each<[string, Record<string, unknown>, string, string[]]>([
    [
      "an undeclared param",
      { run_date: RUN_DATE },
      "day",
      [
        'dateParam: names no param; declared params: run_date — declare it as { type: [string, "null"], format: date, default: null }: a manual run that sets it renders that date, every other run its own',
      ],
    ],
    [
      "a param that is not a date",
      { n: { type: "integer", default: 1 } },
      "n",
      [
        'dateParam: names n, which is not a date: it must have type [string, "null"] and format: date — declare it as { type: [string, "null"], format: date, default: null }: a manual run that sets it renders that date, every other run its own',
      ],
    ],
    [
      "a date param with a date as default",
      { d: { ...RUN_DATE, default: "2024-01-01" } },
      "d",
      [
        'dateParam: names d, whose default is a date: every scheduled run would render that date instead of its own — declare it as { type: [string, "null"], format: date, default: null }: a manual run that sets it renders that date, every other run its own',
      ],
    ],
  ])("refuses %s", (_, params, dateParam, want) => {
    expect(problemsOf(withParams(params, { dateParam }))).toEqual(want);
  });
});

describe("valueProblem", () => {
  it.each<[unknown, Record<string, unknown>, string | undefined]>([
    [1.0, { type: "integer" }, undefined],
    [1.5, { type: "integer" }, "1.5 is not of type integer"],
    [true, { type: "integer" }, "true is not of type integer"],
    [0.3, { type: "number", multipleOf: 0.1 }, "0.3 is not a multiple of 0.1"],
    [0.5, { type: "number", multipleOf: 0.25 }, undefined],
    ["日本", { type: "string", maxLength: 2 }, undefined],
    ["2024-02-29", { type: "string", format: "date" }, undefined],
    ["0000-01-01", { type: "string", format: "date" }, '"0000-01-01" is not a date (YYYY-MM-DD)'],
    ["2024-03-05T06:00:00Z", { type: "string", format: "date-time" }, undefined],
    [
      "2024-03-05T06:00:00",
      { type: "string", format: "date-time" },
      '"2024-03-05T06:00:00" is not a date-time (YYYY-MM-DDTHH:MM:SSZ, with a zone)',
    ],
    [[1, "a"], { type: "array", items: { type: "integer" } }, 'item 1: "a" is not of type integer'],
    [2 ** 60, { type: "integer" }, "1152921504606847000 is larger than the whole numbers pipegen writes exactly"],
  ])("%j against %j", (value, schema, want) => {
    expect(valueProblem(value as never, schema as never)).toBe(want);
  });
});

describe("params read in raw Jinja", () => {
  const sql = (text: string) =>
    basePipeline({
      params: { region: { type: "string", default: "us" } },
      steps: [{ id: "q", kind: "redshiftSql", sql: text }],
    });
  const UNDECLARED =
    "steps[0].sql: reads params.day, which the DAG does not declare: a run without it fails to render (a scheduled run sets no params) — declared params: region; declare it under params:, or guard it with | default(...)";

  it.each<[string, string[]]>([
    ["SELECT '{{ params.region }}'", []],
    ["SELECT '{{ params['region'] }}'", []],
    ["SELECT '{{ params.day }}'", [UNDECLARED]],
    ["SELECT '{{ params['day'] }}'", [UNDECLARED]],
    ["SELECT '{{ params.day | default('x') }}'", []],
    ["SELECT '{% if params.day is defined %}{{ params.day }}{% endif %}'", []],
    ["SELECT '{{ params.day if params.day is defined else 1 }}'", []],
    ["SELECT '{% set params = {'day': 1} %}{{ params.day }}'", []],
    // Methods of the mapping, not params: Jinja resolves an attribute first.
    ["SELECT '{{ params.get('day', 'x') }}', '{{ params.items() | list }}'", []],
    ["SELECT '{% for params in [1] %}{{ params.day }}{% endfor %}'", []],
  ])("%s", (text, want) => {
    expect(problemsOf(sql(text))).toEqual(want);
  });
});
