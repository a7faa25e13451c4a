import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_REFERENCE_PATTERN, pipelineJsonSchema } from "../src/spec/json-schema.js";
import { ROOT } from "./helpers/cli.js";

it("the committed JSON Schema is current (run `npx pipegen schema --out schema/pipeline.schema.json`)", async () => {
  expect(await readFile(path.join(ROOT, "schema/pipeline.schema.json"), "utf8")).toBe(pipelineJsonSchema());
});

describe("environment references in the JSON Schema", () => {
  type Node = { [key: string]: unknown };
  const schema = JSON.parse(pipelineJsonSchema()) as Node;
  const props = (node: Node) => node.properties as Record<string, Node>;
  // A step is one of the step kinds (a union of its own) or a template step.
  const flatten = (node: Node): Node[] =>
    ((node.oneOf ?? node.anyOf) as Node[] | undefined)?.flatMap(flatten) ?? [node];
  const s3Sensor = flatten(props(schema).steps!.items as Node);
  const kindOf = (o: Node) => (props(o).kind as { const?: string }).const;
  const sensor = s3Sensor.find((o) => kindOf(o) === "s3Sensor")!;
  const templateStep = s3Sensor.find((o) => kindOf(o) === "template")!;
  const REFERENCE = { $ref: "#/$defs/envReference" };

  it("are defined once", () => {
    expect((schema.$defs as Node).envReference).toMatchObject({ type: "string", pattern: ENV_REFERENCE_PATTERN });
  });

  it.each<[string, Node]>([
    ["an enum", props(schema).airflowVersion!],
    ["a boolean", props(schema).catchup!],
    ["an integer", props(schema).maxActiveRuns!],
    ["a string with a pattern", props(schema).startDate!],
    ["a step's constrained string", props(sensor).mode!],
  ])("may stand for %s", (_, node) => {
    expect(node.anyOf).toContainEqual(REFERENCE);
  });

  it.each<[string, Node]>([
    ["the DAG id", props(schema).id!],
    ["a step id", props(sensor).id!],
    ["a step kind", props(sensor).kind!],
    ["an edge", props(sensor).after!],
    ["the template a step uses", props(templateStep).use!],
  ])("may not stand for %s", (_, node) => {
    expect(JSON.stringify(node)).not.toContain("envReference");
    expect(JSON.stringify(node)).not.toContain("envText");
  });

  it.each<[string, Node]>([
    ["a string with a pattern", props(schema).startDate!],
    ["an IAM resource ARN", props(s3Sensor.find((o) => kindOf(o) === "operator")!).iam!],
  ])("may hold references inside %s", (_, node) => {
    expect(JSON.stringify(node)).toContain('"$ref":"#/$defs/envText"');
  });

  it("list a project's references, for completion, when the config's names are given", () => {
    const named = JSON.parse(pipelineJsonSchema({ envValues: ["lake", "bucket"] })) as Node;
    expect((named.$defs as Node).envReference).toMatchObject({ enum: ["${env.bucket}", "${env.lake}"] });
  });
});
