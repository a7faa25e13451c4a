import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { pipelineJsonSchema } from "../src/spec/json-schema.js";
import { ROOT } from "./helpers/cli.js";

it("the committed JSON Schema is current (run `npx pipegen schema --out schema/pipeline.schema.json`)", async () => {
  expect(await readFile(path.join(ROOT, "schema/pipeline.schema.json"), "utf8")).toBe(pipelineJsonSchema());
});
