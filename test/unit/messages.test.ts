/**
 * Given a zod issue, want the words: describeIssue is the one place issues
 * become messages, for specs, the deploy config and XTable's config files.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { awsAccountId, awsRegion } from "../../src/spec/common.js";
import { describeIssue } from "../../src/validate/messages.js";
import { catalogConfigSchema, checkConfig, datasetConfigSchema } from "../../src/xtable/config.js";

const describe1 = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) throw new Error("valid");
  return describeIssue(r.error.issues[0]!);
};

describe("describeIssue", () => {
  it.each<[string, z.ZodType, unknown, string]>([
    ["a wrong type", z.string(), 42, "expected a string, got number 42"],
    ["a missing value", z.strictObject({ a: z.string() }), {}, "is required"],
    ["a short list", z.array(z.string()).min(1), [], "needs at least 1 item"],
    ["a long string", z.string().max(3), "abcd", "must be at most 3 characters"],
    ["one allowed value", z.literal("DELTA"), "HUDI", 'must be "DELTA", got "HUDI"'],
    [
      "the schema's own message on a value",
      z.literal("DELTA", { message: "must be DELTA: x" }),
      "HUDI",
      "must be DELTA: x",
    ],
    [
      "the schema's own message on a length",
      z.array(z.string()).min(1, { message: "must list one" }),
      [],
      "must list one",
    ],
    ["a pattern's own message", awsRegion, "Europe", "must be an AWS region code such as eu-west-1"],
    ["an account id", awsAccountId, "1234", "must be a 12-digit AWS account id"],
  ])("%s", (_, schema, value, want) => {
    expect(describe1(schema, value).message).toBe(want);
  });

  it("suggests the nearest option of an enum", () => {
    expect(describe1(z.enum(["sensor", "operator"]), "sensr")).toEqual({
      message: 'must be one of "sensor", "operator"; got "sensr"',
      hint: 'did you mean "sensor"?',
    });
  });
});

describe("XTable config files use it", () => {
  it.each<[string, unknown, RegExp]>([
    [
      "a non-Delta source keeps the schema's own reason",
      { sourceFormat: "HUDI", targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "/t", tableName: "t" }] },
      /sourceFormat: must be DELTA \(the runner reads Delta tables only\)/,
    ],
    [
      "a number for a name is described, not zod's raw text",
      { sourceFormat: "DELTA", targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "/t", tableName: 5 }] },
      /datasets\.0\.tableName: expected a string, got number 5/,
    ],
  ])("%s", (_, data, want) => {
    expect(() => checkConfig(data, datasetConfigSchema, "the dataset config x.yaml")).toThrow(want);
  });

  it("says where a catalog config is wrong", () => {
    expect(() => checkConfig({ catalogName: "glue" }, catalogConfigSchema, "c.yaml")).toThrow(
      "c.yaml is invalid: catalogImpl: is required.",
    );
  });
});
