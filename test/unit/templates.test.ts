/**
 * Step templates: given a spec that uses templates, want exactly these
 * problems (paths as the spec writes them), or these expanded steps.
 */
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/errors.js";
import type { LoadedTemplate, TemplateRegistry } from "../../src/load/templates.js";
import { resolvePipeline } from "../../src/resolve/index.js";
import { defineTemplate, z } from "../../src/spec/define.js";
import type { StepTemplate } from "../../src/spec/template.js";
import { validateSpec } from "../../src/validate/index.js";
import { basePipeline } from "../helpers/spec.js";

const landV1 = defineTemplate({
  name: "land",
  version: "1",
  description: "wait, then crawl",
  config: z.object({
    bucket: z.string(),
    key: z.string(),
    crawler: z.string(),
    wait: z.enum(["sensor", "none"]).default("sensor"),
  }),
  steps: (cfg) => [
    { id: "land", kind: "s3Sensor", bucket: cfg.bucket, key: cfg.key },
    { id: "crawl", kind: "glueCrawler", crawler: cfg.crawler, wait: cfg.wait },
  ],
  group: true,
});
const landV2 = defineTemplate({
  name: "land",
  version: "2",
  config: z.object({ bucket: z.string() }),
  // Two roots (after: []) and a join: its leaves are what a downstream step waits for.
  steps: (cfg) => [
    { id: "a", kind: "s3Sensor", bucket: cfg.bucket, key: "a" },
    { id: "b", kind: "s3Sensor", bucket: cfg.bucket, key: "b", after: [] },
    { id: "c", kind: "glueJob", job: "j", after: ["a", "b"] },
  ],
});
const throws = defineTemplate({
  name: "throws",
  version: "1",
  config: z.object({}),
  steps: () => {
    throw new Error("no partner named that");
  },
});
const nests = defineTemplate({
  name: "nests",
  version: "1",
  config: z.object({}),
  steps: () => [{ id: "inner", kind: "template", use: "land@1", with: {} } as never],
});

const cyclic = defineTemplate({
  name: "cyclic",
  version: "1",
  config: z.object({}),
  steps: () => {
    const step: Record<string, unknown> = { id: "a", kind: "s3Sensor", bucket: "landing", key: "k" };
    step.self = step;
    return [step as never];
  },
});

function registryOf(...templates: StepTemplate[]): TemplateRegistry {
  const registry = new Map<string, Map<string, LoadedTemplate>>();
  for (const template of templates) {
    const versions = registry.get(template.name) ?? new Map<string, LoadedTemplate>();
    versions.set(template.version, {
      template,
      file: `pipelines/${template.name}.template.ts`,
      locate: () => ({ line: 1, column: 1 }),
      path: [],
    });
    registry.set(template.name, versions);
  }
  return registry;
}
const REGISTRY = registryOf(landV1, landV2, throws, nests, cyclic);

function check(steps: unknown[], extra: Record<string, unknown> = {}) {
  const data = basePipeline({ steps, ...extra });
  return validateSpec(
    { file: "pipelines/demo.pipeline.yaml", data, locate: () => ({ line: 1, column: 1 }) },
    { templates: REGISTRY },
  );
}
function problemsOf(steps: unknown[], extra: Record<string, unknown> = {}): string[] {
  const result = check(steps, extra);
  if (!Array.isArray(result)) return [];
  return result.map((p) => formatProblem({ ...p, line: 0 }).replace(/^pipelines\/demo\.pipeline\.yaml /, ""));
}

const WITH = { bucket: "landing", key: "in/x.csv", crawler: "c" };
const use = (id: string, version = "1", extra: Record<string, unknown> = {}) => ({
  id,
  kind: "template",
  use: `land@${version}`,
  with: version === "1" ? WITH : { bucket: "landing" },
  ...extra,
});

describe("template rules", () => {
  it.each<[string, unknown[], string[]]>([
    ["a valid instance", [use("orders")], []],
    ["two instances of one template", [use("orders"), use("returns")], []],
    [
      "a value of the wrong type in with",
      [{ ...use("orders"), with: { ...WITH, bucket: 5 } }],
      ["steps[0].with.bucket: expected a string, got number 5"],
    ],
    [
      "a required key missing from with",
      [{ ...use("orders"), with: { bucket: "landing", key: "k" } }],
      ["steps[0].with.crawler: is required"],
    ],
    [
      "a value outside an enum",
      [{ ...use("orders"), with: { ...WITH, wait: "operator" } }],
      ['steps[0].with.wait: must be one of "sensor", "none"; got "operator"'],
    ],
    [
      "an unknown key in with",
      [{ ...use("orders"), with: { ...WITH, crawlr: "c2" } }],
      ['steps[0].with.crawlr: unknown key "crawlr" for land@1 — did you mean "crawler"?'],
    ],
    [
      "an unknown version",
      [use("orders", "3")],
      ["steps[0].use: template land has no version 3 — available: land@1, land@2"],
    ],
    [
      "an unknown template",
      [{ ...use("orders"), use: "lnad@1" }],
      [
        'steps[0].use: unknown template "lnad" — did you mean "land"? available: cyclic@1, land@1, land@2, nests@1, throws@1',
      ],
    ],
    [
      "use without a version",
      [{ ...use("orders"), use: "land" }],
      ["steps[0].use: must be <template name>@<version>, e.g. land_crawl_load@1"],
    ],
    [
      "an unknown key on the instance",
      [{ ...use("orders"), retries: 2 }],
      ['steps[0].retries: unknown key "retries" — remove it; see `pipegen schema` for the allowed keys'],
    ],
    [
      "an instance id that is a step's id",
      [{ id: "orders", kind: "s3Sensor", bucket: "landing", key: "k" }, use("orders")],
      [
        'steps[1].id: duplicate step id "orders": a step already uses it — an instance id names the instance in `after` and starts its steps\' ids: make it unique',
      ],
    ],
    [
      "two instances with one id",
      [use("orders"), use("orders")],
      [
        'steps[1].id: duplicate step id "orders": steps[0] already uses it — an instance id names the instance in `after` and starts its steps\' ids: make it unique',
      ],
    ],
    [
      "an expanded id that clashes with a step",
      [use("orders"), { id: "orders_land", kind: "s3Sensor", bucket: "landing", key: "k" }],
      ['steps[1].id: duplicate step id "orders_land" — steps[0] already uses it; task ids must be unique'],
    ],
    [
      "a config value that makes an invalid step",
      [{ ...use("orders"), with: { ...WITH, bucket: "Not_A_Bucket" } }],
      [
        "steps[0].use: land@1 makes step \"orders_land\", whose bucket is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit — check the values under `with:`, or the template",
      ],
    ],
    [
      "a template that throws",
      [{ id: "x", kind: "template", use: "throws@1" }],
      [
        "steps[0].use: throws@1 threw while expanding: no partner named that — the template is in pipelines/throws.template.ts; check it, or the values under `with:`",
      ],
    ],
    [
      "a template that makes a template step",
      [{ id: "x", kind: "template", use: "nests@1" }],
      [
        'steps[0].use: nests@1 made a template step ("inner") — a template\'s steps are ordinary steps: templates do not nest',
      ],
    ],
    [
      "a template that makes a step containing itself",
      [{ id: "x", kind: "template", use: "cyclic@1" }],
      [
        "steps[0].use: cyclic@1 made steps that contain themselves — its steps function (in pipelines/cyclic.template.ts) must return plain data: objects, lists, strings, numbers and booleans",
      ],
    ],
    [
      "with that is not a mapping",
      [{ id: "x", kind: "template", use: "land@1", with: 5 }],
      ["steps[0].with: expected a record, got number 5"],
    ],
    [
      "an instance in an unknown group (its own group's parent)",
      [use("orders", "1", { group: "feedz" })],
      ['steps[0].group: unknown group "feedz" — known groups: orders'],
    ],
    [
      "an unknown step in the instance's after",
      [use("orders", "1", { after: ["nope"] })],
      [
        'steps[0].use: land@1 makes step "orders_land", whose after[0] unknown step "nope" — known steps: orders_land, orders_crawl',
      ],
    ],
    [
      "a step after a failed instance: only the instance's problem",
      [use("orders", "9"), { id: "next", kind: "s3Sensor", bucket: "landing", key: "k", after: ["orders"] }],
      ["steps[0].use: template land has no version 9 — available: land@1, land@2"],
    ],
  ])("%s", (_, steps, want) => {
    expect(problemsOf(steps)).toEqual(want);
  });

  it("expands into ordinary steps with prefixed ids, wired to what the instance runs after and to what runs after it", () => {
    const valid = check([
      { id: "start", kind: "s3Sensor", bucket: "landing", key: "k" },
      use("feed", "2"),
      { id: "done", kind: "redshiftSql", sql: "SELECT 1", after: ["feed"] },
      use("orders"),
    ]);
    if (Array.isArray(valid)) throw new Error(valid.map(formatProblem).join("\n"));
    const r = resolvePipeline(valid);
    expect(r.steps.map((s) => [s.step.id, s.upstream, s.step.group])).toEqual([
      ["start", [], undefined],
      ["feed_a", ["start"], undefined],
      ["feed_b", ["start"], undefined],
      ["feed_c", ["feed_a", "feed_b"], undefined],
      ["done", ["feed_c"], undefined],
      ["orders_land", ["done"], "orders"],
      ["orders_crawl", ["orders_land"], "orders"],
    ]);
    expect(r.groups).toEqual([{ id: "orders", tooltip: "wait, then crawl", path: ["orders"] }]);
  });

  it("locates a problem in an instance's steps at its use: (and a with value where it is written)", () => {
    const seen: unknown[] = [];
    const data = basePipeline({ steps: [{ ...use("orders"), with: { ...WITH, bucket: "Not_A_Bucket", key: 5 } }] });
    validateSpec(
      {
        file: "pipelines/demo.pipeline.yaml",
        data,
        locate: (path) => {
          seen.push(path);
          return { line: 1, column: 1 };
        },
      },
      { templates: REGISTRY },
    );
    expect(seen).toContainEqual(["steps", 0, "with", "key"]);
  });
});
