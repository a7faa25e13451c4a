/**
 * pipegen's tables of Airflow facts (src/spec/airflow-facts.ts,
 * src/render/operators.ts) against the Airflow installed in the test venvs.
 * The other supported versions were read from their released source.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  JINJA_FILTERS,
  JINJA_GLOBALS,
  JINJA_TESTS,
  templateNames,
  triggerRuleNeeds,
} from "../src/spec/airflow-facts.js";
import { airflowTarget } from "../src/spec/airflow-versions.js";
import { triggerRule } from "../src/spec/common.js";
import { BASE_OPERATOR_ARGUMENTS, KNOWN_OPERATORS } from "../src/spec/known-operators.js";
import { OPERATOR_TEMPLATING } from "../src/spec/operator-templating.js";
import { GOLDEN_TARGETS, goldenBundle } from "./helpers/golden.js";
import { pythonJson } from "./helpers/python.js";

interface Facts {
  trigger_rules: string[];
  filters: string[];
  tests: string[];
  globals: string[];
  context: string[];
  operators: Record<
    string,
    { template_fields: string[]; template_ext: string[]; parameters: string[]; required: string[] }
  >;
  base_operator_parameters: string[];
}

describe.each(GOLDEN_TARGETS)("Airflow %s", (version) => {
  let facts: Facts;
  beforeAll(async () => {
    facts = await pythonJson<Facts>(
      `airflow-${version}`,
      ["test/python/airflow_facts.py", ...Object.keys(OPERATOR_TEMPLATING), ...Object.keys(KNOWN_OPERATORS)],
      { PIPEGEN_DAGS: `${goldenBundle(version)}/dags` },
    );
  });

  it("knows exactly the trigger rules pipegen lets a spec use on it", () => {
    const target = airflowTarget(version);
    for (const rule of triggerRule.options)
      expect([rule, facts.trigger_rules.includes(rule)]).toEqual([rule, triggerRuleNeeds(rule, target) === undefined]);
  });

  it("has the Jinja filters, tests and globals pipegen checks templates against", () => {
    expect(facts.filters).toEqual([...JINJA_FILTERS].sort());
    expect(facts.tests).toEqual([...JINJA_TESTS].sort());
    expect(facts.globals).toEqual([...JINJA_GLOBALS].sort());
  });

  it("builds a task's template context with exactly the names pipegen allows", () => {
    expect([...templateNames(airflowTarget(version))].sort()).toEqual([...facts.context, ...JINJA_GLOBALS].sort());
  });

  it("templates no operator field pipegen does not know of, with the same file suffixes", () => {
    for (const [path, installed] of Object.entries(facts.operators)) {
      const known = OPERATOR_TEMPLATING[path] ?? KNOWN_OPERATORS[path]!;
      expect([path, installed.template_fields.filter((f) => !known.templateFields.includes(f))]).toEqual([path, []]);
      expect([path, installed.template_ext]).toEqual([path, known.templateExt]);
    }
  });

  it("knows exactly the arguments, required ones and BaseOperator's, of the classes an operator step may be checked against", () => {
    expect(facts.base_operator_parameters).toEqual(BASE_OPERATOR_ARGUMENTS[version]);
    for (const [path, known] of Object.entries(KNOWN_OPERATORS)) {
      const installed = facts.operators[path]!;
      expect([path, installed.parameters]).toEqual([path, [...known.parameters[version]].sort()]);
      expect([path, installed.required]).toEqual([path, [...known.required].sort()]);
      // validate lets placeholders into every field the table calls templated that the class takes here.
      const untemplated = known.templateFields.filter(
        (f) => known.parameters[version].includes(f) && !installed.template_fields.includes(f),
      );
      expect([path, untemplated]).toEqual([path, []]);
    }
  });
});
