/**
 * The JSON Schema, checked by an independent validator (Python's
 * `jsonschema`, Draft 2020-12): every example spec conforms, references to
 * environment values are accepted where they may stand and refused where
 * they may not, and a project's schema refuses a reference it does not declare.
 */
import { readdir, readFile } from "node:fs/promises";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pipelineJsonSchema } from "../src/spec/json-schema.js";
import { ROOT } from "./helpers/cli.js";
import { venvBin } from "./helpers/python.js";

async function validate(schema: string, documents: Record<string, unknown>): Promise<Record<string, string[]>> {
  const r = await execa(venvBin("moto", "python"), [`${ROOT}test/python/check_jsonschema.py`], {
    input: JSON.stringify({ schema: JSON.parse(schema), documents }),
  });
  return JSON.parse(r.stdout) as Record<string, string[]>;
}

async function yamlSpecs(dir: string): Promise<Record<string, unknown>> {
  const names = (await readdir(`${ROOT}${dir}`)).filter((n) => n.endsWith(".pipeline.yaml"));
  return Object.fromEntries(
    await Promise.all(names.map(async (n) => [`${dir}/${n}`, parse(await readFile(`${ROOT}${dir}/${n}`, "utf8"))])),
  );
}

const BASE = {
  id: "demo",
  airflowVersion: "2.10.3",
  schedule: "@daily",
  startDate: "2024-01-01",
  steps: [{ id: "wait", kind: "s3Sensor", bucket: "b-bucket", key: "k" }],
};
const sensor = (extra: Record<string, unknown>) => ({ ...BASE, steps: [{ ...BASE.steps[0], ...extra }] });

describe("the committed JSON Schema, by jsonschema", () => {
  it("accepts every example spec and every legal corpus spec, environment references and params included", async () => {
    const specs = {
      ...(await yamlSpecs("pipelines")),
      ...(await yamlSpecs("examples/clickstream/pipelines")),
      ...(await yamlSpecs("test/corpus/legal")),
    };
    expect(Object.keys(specs).length).toBeGreaterThanOrEqual(20);
    const result = await validate(pipelineJsonSchema(), specs);
    expect(result).toEqual(Object.fromEntries(Object.keys(specs).map((name) => [name, []])));
  });

  it("accepts references where values may differ, and refuses them in ids, kinds and edges", async () => {
    const result = await validate(pipelineJsonSchema(), {
      mode: sensor({ mode: "${env.sensorMode}" }),
      number: { ...BASE, maxActiveRuns: "${env.runs}" },
      switch: { ...BASE, catchup: "${env.catchup}" },
      version: { ...BASE, airflowVersion: "${env.airflow}" },
      malformed: { ...BASE, maxActiveRuns: "${env.}" },
      kind: sensor({ kind: "${env.kind}" }),
    });
    expect(Object.fromEntries(Object.entries(result).map(([name, errors]) => [name, errors.length > 0]))).toEqual({
      mode: false,
      number: false,
      switch: false,
      version: false,
      malformed: true,
      kind: true,
    });
  });

  it("accepts text that holds references where a value has a shape (an ARN, a bucket), and only there", async () => {
    const iam = (resource: string) => ({
      ...BASE,
      steps: [
        {
          id: "tell",
          kind: "operator",
          operator: "airflow.providers.amazon.aws.operators.sns.SnsPublishOperator",
          arguments: { target_arn: resource, message: "m" },
          iam: [{ actions: ["sns:Publish"], resources: [resource] }],
        },
      ],
    });
    const result = await validate(pipelineJsonSchema(), {
      arn: iam("arn:aws:sns:${env.region}:${env.account}:alerts"),
      whole: iam("${env.alertsTopic}"),
      notArn: iam("alerts-topic"),
      malformed: iam("arn:aws:sns:us-east-1:${env.}:alerts"),
      bucket: sensor({ bucket: "clicks-${env.stage}" }),
      enumText: sensor({ mode: "re${env.mode}" }),
    });
    expect(Object.fromEntries(Object.entries(result).map(([name, errors]) => [name, errors.length > 0]))).toEqual({
      arn: false,
      whole: false,
      notArn: true,
      malformed: true,
      bucket: false,
      enumText: true,
    });
  });

  it("refuses, in a project's schema, a reference the config does not declare", async () => {
    const result = await validate(pipelineJsonSchema({ envValues: ["runs"] }), {
      declared: { ...BASE, maxActiveRuns: "${env.runs}" },
      undeclared: { ...BASE, maxActiveRuns: "${env.rnus}" },
      declaredInText: { ...BASE, startDate: "2024-0${env.runs}-01" },
      undeclaredInText: { ...BASE, startDate: "2024-0${env.runs}-0${env.rnus}" },
    });
    expect(result.declared).toEqual([]);
    expect(result.undeclared!.length).toBeGreaterThan(0);
    expect(result.declaredInText).toEqual([]);
    expect(result.undeclaredInText!.length).toBeGreaterThan(0);
  });
});
