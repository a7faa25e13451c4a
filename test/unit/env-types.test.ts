/** `env` is typed from a TypeScript config: names and value types, checked by `npm run typecheck`. */
import { expect, expectTypeOf, it } from "vitest";
import type config from "../../examples/clickstream/pipegen.config.js";
import { defineConfig, definePipeline, type EnvOf } from "../../src/index.js";

type Env = EnvOf<typeof config>;

it("types every value any environment (or the shared values) sets, with its type", () => {
  expectTypeOf<Env["landingBucket"]>().toEqualTypeOf<string>();
  expectTypeOf<Env["glueWorkers"]>().toEqualTypeOf<number>();
  expectTypeOf<keyof Env>().toEqualTypeOf<
    | "glueWorkers"
    | "landingBucket"
    | "lakeBucket"
    | "workgroup"
    | "workgroupId"
    | "redshiftSecret"
    | "glueRole"
    | "unloadRole"
    | "reportTopic"
    | "alertsTopic"
    | "recommenderFunction"
  >();
  const mixed = defineConfig({
    environments: { a: { values: { flag: true, n: 1 } }, b: { values: { flag: false, n: 2 } } },
  });
  expectTypeOf<EnvOf<typeof mixed>>().toEqualTypeOf<{ readonly flag: boolean; readonly n: number }>();
});

it("refuses a name no environment sets, and a value of the wrong type where the spec needs another", () => {
  const base = { airflowVersion: "2.10.3", schedule: null, startDate: "2024-01-01" } as const;
  const misspelled = definePipeline<Env>(({ env }) => ({
    ...base,
    id: "misspelled",
    // @ts-expect-error: no environment sets landingBuckett
    steps: [{ id: "wait", kind: "s3Sensor", bucket: env.landingBuckett, key: "x" }],
  }));
  const mistyped = definePipeline<Env>(({ env }) => ({
    ...base,
    id: "mistyped",
    // @ts-expect-error: glueWorkers is a number, a bucket is a string
    steps: [{ id: "wait", kind: "s3Sensor", bucket: env.glueWorkers, key: "x" }],
  }));
  expect([typeof misspelled, typeof mistyped]).toEqual(["function", "function"]);
});
