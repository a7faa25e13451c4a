/** Task groups: given a spec's groups and steps, want exactly these problems (or none). */
import { describe, expect, it } from "vitest";
import { taskIdProblems } from "../../src/resolve/task-ids.js";
import { basePipeline, problemsOf, resolved } from "../helpers/spec.js";

const s = (id: string, group?: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: "s3Sensor",
  bucket: "landing",
  key: "x",
  ...(group ? { group } : {}),
  ...extra,
});

describe("task group rules", () => {
  it.each<[string, { groups?: unknown[]; steps: unknown[] }, string[]]>([
    ["a group with a step", { groups: [{ id: "g" }], steps: [s("a", "g")] }, []],
    [
      "a nested group holding the only step keeps its parent from being empty",
      { groups: [{ id: "outer" }, { id: "inner", parent: "outer" }], steps: [s("a", "inner")] },
      [],
    ],
    [
      "unknown group",
      { groups: [{ id: "g" }], steps: [s("a", "g"), s("b", "staging")] },
      ['steps[1].group: unknown group "staging" — known groups: g'],
    ],
    [
      "group without any declared",
      { steps: [s("a", "g")] },
      ['steps[0].group: unknown group "g" — declare it under `groups:`'],
    ],
    [
      "duplicate group id",
      { groups: [{ id: "g" }, { id: "g" }], steps: [s("a", "g")] },
      ['groups[1].id: duplicate group id "g" — groups[0] already uses it; group ids must be unique'],
    ],
    [
      "group id equal to a step id",
      { groups: [{ id: "a" }], steps: [s("a", "a")] },
      [
        "groups[0].id: is also the id of steps[0] — Airflow keeps task and group ids in one namespace: rename the group or the step",
      ],
    ],
    [
      "empty group",
      { groups: [{ id: "g" }, { id: "unused", tooltip: "nothing here" }], steps: [s("a", "g")] },
      [
        'groups[1]: group "unused" holds no step — put a step in it with `group: unused` (or in a group inside it), or remove it',
      ],
    ],
    [
      "unknown parent",
      { groups: [{ id: "g", parent: "nope" }], steps: [s("a", "g")] },
      ['groups[0].parent: unknown group "nope" — known groups: g'],
    ],
    [
      "a group inside itself",
      { groups: [{ id: "g", parent: "g" }], steps: [s("a", "g")] },
      ["groups[0].parent: a group cannot sit inside itself"],
    ],
    [
      "groups inside each other in a circle",
      {
        groups: [
          { id: "x", parent: "z" },
          { id: "y", parent: "x" },
          { id: "z", parent: "y" },
        ],
        steps: [s("a", "x")],
      },
      [
        "groups[0].parent: groups sit inside each other in a circle: x → z → y → x — a group's parent must lead out to the DAG: remove one of these `parent` references",
      ],
    ],
    [
      "an id Airflow refuses (a dot would read as group.task)",
      { groups: [{ id: "load.daily" }], steps: [s("a", "load.daily")] },
      ["groups[0].id: must be a lowercase Python identifier (letters, digits, underscores; starts with a letter)"],
    ],
    [
      "a name the DAG module binds",
      { groups: [{ id: "dag" }], steps: [s("a", "dag")] },
      ["groups[0].id: is reserved in generated DAGs (dag, pendulum, timedelta, chain, datetime)"],
    ],
    [
      "unknown key in a group",
      { groups: [{ id: "g", tooltp: "x" }], steps: [s("a", "g")] },
      ['groups[0].tooltp: unknown key "tooltp" — did you mean "tooltip"?'],
    ],
    [
      "a group problem and a step problem in one run",
      { groups: [{ id: "g" }], steps: [s("a", "staging", { bucket: "BAD" })] },
      [
        "steps[0].bucket: is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
        'steps[0].group: unknown group "staging" — known groups: g',
        'groups[0]: group "g" holds no step — put a step in it with `group: g` (or in a group inside it), or remove it',
      ],
    ],
  ])("%s", (_, spec, want) => {
    expect(problemsOf(basePipeline(spec))).toEqual(want);
  });

  it("refuses a group named like a step's sensor task (Airflow: one namespace)", () => {
    const spec = basePipeline({
      groups: [{ id: "wait_for_crawl" }],
      steps: [{ id: "crawl", kind: "glueCrawler", crawler: "c", wait: "sensor", group: "wait_for_crawl" }],
    });
    expect(taskIdProblems(resolved(spec))).toEqual([
      {
        file: "pipelines/demo.pipeline.yaml",
        path: ["groups", 0, "id"],
        message: 'group id "wait_for_crawl" is also the sensor task a step generates',
        hint: "rename the group; steps that wait with a sensor add a task named wait_for_<step id>",
      },
    ]);
  });

  it("resolves each group's place, outermost first", () => {
    const r = resolved(
      basePipeline({
        groups: [{ id: "inner", parent: "outer", tooltip: "t" }, { id: "outer" }],
        steps: [s("a", "inner")],
      }),
    );
    expect(r.groups).toEqual([
      { id: "inner", tooltip: "t", path: ["outer", "inner"] },
      { id: "outer", tooltip: undefined, path: ["outer"] },
    ]);
  });
});

it("suggests the nearest group for a misspelt one", () => {
  expect(problemsOf(basePipeline({ groups: [{ id: "ingest" }], steps: [s("a", "ingest"), s("b", "ingset")] }))).toEqual(
    ['steps[1].group: unknown group "ingset" — did you mean "ingest"?'],
  );
});
