/**
 * Data-aware scheduling: given a spec, want exactly these problems; given a
 * bundle of specs, want these cross-file problems; given a valid spec, want
 * this schedule and these outlets as emitted Python.
 */
import { describe, expect, it } from "vitest";
import { renderDag } from "../../src/render/dag.js";
import { pyInline } from "../../src/render/python.js";
import { taskGraph } from "../../src/render/task-graph.js";
import { crossFileProblems, type ValidSpec } from "../../src/validate/index.js";
import { basePipeline, problemsOf, resolved, validate } from "../helpers/spec.js";

const sensor = { id: "wait", kind: "s3Sensor", bucket: "landing-bucket", key: "in/*.csv" };

describe("asset validation", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "outputs of each kind",
      basePipeline({
        steps: [
          {
            ...sensor,
            outputs: ["s3://landing-bucket/in/", "glue://sales_db/sales", "redshift://analytics/dev/public/sales"],
          },
        ],
      }),
      [],
    ],
    [
      "an unknown scheme, a bad bucket, a bad Glue and Redshift table",
      basePipeline({
        steps: [
          {
            ...sensor,
            outputs: ["file:///tmp/x", "s3://Bad_Bucket/x", "glue://db", "redshift://wg/dev/public"],
          },
        ],
      }),
      [
        'steps[0].outputs[0]: is not an asset URI: scheme "file" is not one pipegen knows: use s3://, glue:// or redshift://',
        "steps[0].outputs[1]: is not an asset URI: names an invalid S3 bucket 'Bad_Bucket': only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
        "steps[0].outputs[2]: is not an asset URI: a Glue table is glue://<database>/<table>",
        "steps[0].outputs[3]: is not an asset URI: a Redshift table is redshift://<workgroup or cluster>/<database>/<schema>/<table>",
      ],
    ],
    [
      "a templated or spaced URI",
      basePipeline({ steps: [{ ...sensor, outputs: ["s3://landing-bucket/dt=${DATE}/", "s3://landing-bucket/a b"] }] }),
      [
        "steps[0].outputs[0]: is not an asset URI: must be static: Airflow matches an asset by its URI, so no placeholders or Jinja",
        "steps[0].outputs[1]: is not an asset URI: must not contain whitespace",
      ],
    ],
    [
      "an asset schedule that is not a URI, and an external flag that is not true",
      basePipeline({ schedule: { assets: ["sales", { uri: "glue://db/t", external: false }], mode: "some" } }),
      [
        "schedule.assets[0]: is not an asset URI: must be a URI such as s3://bucket/prefix/, glue://database/table or redshift://workgroup/database/schema/table",
        "schedule.assets[1].external: must be true, got boolean false",
        'schedule.mode: must be one of "all", "any"; got "some"',
      ],
    ],
    ["no assets", basePipeline({ schedule: { assets: [] } }), ["schedule.assets: needs at least 1 item"]],
  ])("%s", (_, spec, want) => {
    expect(problemsOf(spec)).toEqual(want);
  });
});

/** A valid spec, as if from pipelines/<id>.pipeline.yaml. */
function valid(id: string, overrides: Record<string, unknown>): ValidSpec {
  const r = validate(basePipeline(overrides));
  if (Array.isArray(r)) throw new Error(r.map((p) => p.message).join("; "));
  return { ...r, file: `pipelines/${id}.pipeline.yaml`, pipeline: { ...r.pipeline, id } };
}

const problems = (specs: ValidSpec[]) =>
  crossFileProblems(specs, { checkVersions: true }).map(
    (p) => `${p.file} ${p.path.join(".")}: ${p.message} — ${p.hint}`,
  );

describe("asset schedules across the bundle", () => {
  const producer = valid("demo", { steps: [{ ...sensor, outputs: ["s3://landing-bucket/in/"] }] });

  it("accepts a schedule on an output of another pipeline, however its slashes are written", () => {
    expect(problems([producer, valid("consumer", { schedule: { assets: ["s3://landing-bucket/in"] } })])).toEqual([]);
  });

  it("refuses an asset no pipeline produces unless it is marked external", () => {
    const consumer = valid("demo", {
      schedule: { assets: ["glue://sales_db/sales", { uri: "s3://partner-drop/daily/", external: true }] },
    });
    expect(problems([consumer])).toEqual([
      "pipelines/demo.pipeline.yaml schedule.assets.0: no pipeline in the bundle produces glue://sales_db/sales, so this DAG would never run — list it in the outputs of the step that writes it (and render that pipeline in the same bundle), or write { uri: glue://sales_db/sales, external: true } if something outside the bundle updates it",
    ]);
  });

  it("says nothing of unproduced assets when another spec of the bundle is invalid: it may be the producer", () => {
    const consumer = valid("demo", { schedule: { assets: ["glue://sales_db/sales"] } });
    expect(crossFileProblems([consumer], { checkVersions: true, allValid: false })).toEqual([]);
  });

  it("refuses a pipeline that triggers itself, directly or through a cycle", () => {
    const self = valid("demo", {
      schedule: { assets: ["s3://landing-bucket/in"] },
      steps: [{ ...sensor, outputs: ["s3://landing-bucket/in/"] }],
    });
    expect(problems([self])).toEqual([
      "pipelines/demo.pipeline.yaml schedule: is scheduled on an output of this pipeline itself: each run would trigger the next, forever — schedule the pipeline on something the cycle does not produce, or on time",
    ]);
    const a = valid("demo", {
      schedule: { assets: ["glue://db/b"] },
      steps: [{ ...sensor, outputs: ["glue://db/a"] }],
    });
    const b = valid("other", {
      schedule: { assets: ["glue://db/a"] },
      steps: [{ ...sensor, outputs: ["glue://db/b"] }],
    });
    expect(problems([a, b])).toEqual([
      "pipelines/demo.pipeline.yaml schedule: is scheduled on outputs of a cycle of pipelines (other → demo → other): their runs would trigger each other forever — schedule the pipeline on something the cycle does not produce, or on time",
      "pipelines/other.pipeline.yaml schedule: is scheduled on outputs of a cycle of pipelines (demo → other → demo): their runs would trigger each other forever — schedule the pipeline on something the cycle does not produce, or on time",
    ]);
  });
});

describe("asset rendering", () => {
  it.each<["2.10.3" | "3.3.1", "all" | "any", string]>([
    ["2.10.3", "all", '[Dataset("glue://db/t"), Dataset("s3://landing-bucket/in")]'],
    ["2.10.3", "any", 'DatasetAny(Dataset("glue://db/t"), Dataset("s3://landing-bucket/in"))'],
    ["3.3.1", "all", '[Asset("glue://db/t"), Asset("s3://landing-bucket/in")]'],
    ["3.3.1", "any", 'AssetAny(Asset("glue://db/t"), Asset("s3://landing-bucket/in"))'],
  ])("schedule on Airflow %s, mode %s", (version, mode, want) => {
    const dag = renderDag(
      resolved(basePipeline({ schedule: { assets: ["glue://db/t", "s3://landing-bucket/in//"], mode } }), version),
    );
    expect(dag).toContain(`    schedule=${want},\n`);
    expect(dag).toContain(
      version === "2.10.3" ? "from airflow.datasets import Dataset" : "from airflow.sdk import DAG, Asset",
    );
  });

  it("puts a step's outputs on its last task only, canonical", () => {
    const graph = taskGraph(
      resolved(
        basePipeline({
          steps: [
            { id: "load", kind: "glueJob", job: "j", outputs: ["s3://landing-bucket/out/", "s3://landing-bucket"] },
          ],
        }),
      ),
    );
    expect(
      graph.tasks
        .map((t) => [t.taskId, t.kwargs.find(([k]) => k === "outlets")?.[1]])
        .map(([id, v]) => [id, v && pyInline(v as never)]),
    ).toEqual([
      ["load", undefined],
      ["wait_for_load", '[Dataset("s3://landing-bucket/out"), Dataset("s3://landing-bucket/")]'],
    ]);
  });
});
