/**
 * docs/coming-from-dag-factory.md shows one DAG twice: as dag-factory YAML and
 * as a pipegen spec. Real Airflow builds both, dag-factory 1.1.0's
 * load_yaml_dags from the YAML and `pipegen render` from the spec, in the
 * same venv (bench-dagfactory-<version>: MWAA's Airflow and Amazon provider
 * plus dag-factory), and they must be the same DAG: tasks, classes, edges,
 * owners, retries, every argument the YAML sets (template fields compared as
 * rendered for a scheduled and a manual run), callbacks and outlets. The
 * differences left are exactly those the page names. The page's code blocks
 * must be the two files, so the page cannot drift from what is proven here.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { shapeDifferences } from "../bench/parse-cost/equivalence.mjs";
import { pipegen, ROOT } from "./helpers/cli.js";
import { GOLDEN_TARGETS, RUN_INTERVAL } from "./helpers/golden.js";
import { pythonJson, setupVenvs } from "./helpers/python.js";

const DOCS = path.join(ROOT, "docs");
const FACTORY_YAML = path.join(DOCS, "dag-factory/orders_daily.dagfactory.yml");
const SPEC = path.join(DOCS, "dag-factory/orders_daily.pipeline.yaml");
const PAGE = path.join(DOCS, "coming-from-dag-factory.md");

/** Keys of a dag-factory task that are not operator arguments. */
const TASK_META = new Set(["task_id", "operator", "dependencies", "task_group_name", "outlets"]);

interface Inspected {
  airflow_version: string;
  import_errors: Record<string, string>;
  dags: Record<string, Record<string, unknown> & { tasks: Record<string, Record<string, unknown>> }>;
}
interface Outline {
  airflow_version: string;
  import_errors: Record<string, string>;
  dags: Record<string, { tasks: Record<string, { attributes: Record<string, unknown> }> }>;
}
interface FactoryTask {
  task_id: string;
  [key: string]: unknown;
}

/** The fenced code blocks of a Markdown page, by the file name in their first comment line. */
function codeBlocks(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of markdown.matchAll(/^```ya?ml\n# (\S+)\n([\s\S]*?)^```$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

describe("the page's code blocks are the files the test below builds", () => {
  it("shows both files whole, after a comment naming each", async () => {
    const blocks = codeBlocks(await readFile(PAGE, "utf8"));
    expect([...blocks.keys()].sort()).toEqual(["orders_daily.dagfactory.yml", "orders_daily.pipeline.yaml"]);
    for (const file of [FACTORY_YAML, SPEC]) {
      const text = (await readFile(file, "utf8")).replace(/^#.*\n(#.*\n)*/, "");
      expect(blocks.get(path.basename(file))).toBe(text);
    }
  });
});

describe.each(GOLDEN_TARGETS)("dag-factory and pipegen build the same DAG on Airflow %s", (version) => {
  const venv = `bench-dagfactory-${version}`;
  const v3 = version.startsWith("3.");
  let dir: string;
  let tasks: FactoryTask[];
  let groups: string[] = [];
  let factoryIds: string[] = [];
  /** dag-factory names a task in a group `<group>.<task>`; pipegen keeps the step id. */
  const factoryId = (t: FactoryTask) => (t.task_group_name ? `${t.task_group_name}.${t.task_id}` : t.task_id);
  /** dag-factory's output with its group prefixes taken off the task ids, to compare the rest. */
  const unprefixed = <T>(x: T): T =>
    JSON.parse(groups.reduce((text, g) => text.replaceAll(`"${g}.`, '"'), JSON.stringify(x))) as T;
  const built: Record<"factory" | "pipegen", { inspected: Inspected; outline: Outline }> = {} as never;

  beforeAll(async () => {
    await setupVenvs([venv]);
    dir = await mkdtemp(path.join(tmpdir(), "pipegen-dag-factory-"));
    const factoryDir = path.join(dir, "factory");
    const rendered = await pipegen(["render", SPEC, "--airflow-version", version, "--out", path.join(dir, "pipegen")]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    await rm(path.join(dir, "pipegen/dags/.airflowignore"));
    await mkdir(factoryDir);
    await copyFile(FACTORY_YAML, path.join(factoryDir, "orders_daily.dagfactory.yml"));
    await writeFile(
      path.join(factoryDir, "load_dag_factory.py"),
      [
        "from pathlib import Path",
        "",
        "from dagfactory import load_yaml_dags",
        "",
        'load_yaml_dags(globals_dict=globals(), config_filepath=str(Path(__file__).parent / "orders_daily.dagfactory.yml"))',
        "",
      ].join("\n"),
    );
    const factory = YAML.parse(await readFile(FACTORY_YAML, "utf8")) as {
      orders_daily: { tasks: FactoryTask[]; task_groups?: { group_name: string }[] };
    };
    tasks = factory.orders_daily.tasks;
    groups = (factory.orders_daily.task_groups ?? []).map((g) => g.group_name);
    // Every argument the YAML sets, by dag-factory's id and pipegen's; dag_outline.py reads those Airflow does not template.
    const attributes = path.join(dir, "attributes.json");
    await writeFile(
      attributes,
      JSON.stringify(
        Object.fromEntries(
          tasks.flatMap((t) => {
            const names = Object.keys(t).filter((k) => !TASK_META.has(k));
            return [
              [factoryId(t), names],
              [t.task_id, names],
            ];
          }),
        ),
      ),
    );
    for (const [variant, folder] of [
      ["factory", factoryDir],
      ["pipegen", path.join(dir, "pipegen/dags")],
    ] as const)
      built[variant] = {
        inspected: await pythonJson<Inspected>(venv, ["test/python/inspect_dags.py", folder, ...RUN_INTERVAL]),
        outline: await pythonJson<Outline>(venv, ["test/python/dag_outline.py", folder, attributes]),
      };
    factoryIds = Object.keys(built.factory.inspected.dags.orders_daily?.tasks ?? {});
    built.factory = unprefixed(built.factory);
  }, 600_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("both import on the Airflow under test, with one DAG each and no errors", () => {
    for (const { inspected, outline } of Object.values(built)) {
      expect(inspected.airflow_version).toBe(version);
      expect(inspected.import_errors).toEqual({});
      expect(outline.import_errors).toEqual({});
      expect(Object.keys(inspected.dags)).toEqual(["orders_daily"]);
      expect(inspected.dags.orders_daily!.serialization_error).toBeNull();
    }
    expect(Object.keys(built.pipegen.inspected.dags.orders_daily!.tasks)).toEqual(tasks.map((t) => t.task_id).sort());
    // The one difference in ids: dag-factory prefixes a grouped task with its group, pipegen does not.
    expect(factoryIds).toEqual(tasks.map(factoryId).sort());
    expect(factoryIds.filter((id) => id.startsWith("ingest."))).toHaveLength(3);
  });

  it("every argument the YAML sets is compared: as an attribute, or rendered as a template field", () => {
    const factory = built.factory;
    for (const t of tasks) {
      const compared = new Set([
        ...Object.keys(factory.outline.dags.orders_daily!.tasks[t.task_id]!.attributes),
        ...Object.keys(factory.inspected.dags.orders_daily!.tasks[t.task_id]!.rendered_scheduled as object),
      ]);
      for (const key of Object.keys(t).filter((k) => !TASK_META.has(k)))
        expect([t.task_id, key, compared.has(key)]).toEqual([t.task_id, key, true]);
    }
  });

  it("the outlines (owners, groups, outlets, callbacks, arguments) are equal", () => {
    expect(shapeDifferences(built.factory.outline.dags, built.pipegen.outline.dags)).toEqual([]);
  });

  it("the DAGs differ only where the page says", () => {
    const { factory, pipegen: ours } = built;
    const differences = shapeDifferences(factory.inspected.dags, ours.inspected.dags).map((d) => d.path.join(" › "));
    const dateFields = { load_orders: "sql", wait_for_orders: "bucket_key" };
    expect(differences.sort()).toEqual(
      [
        // pipegen documents each DAG with its task graph.
        "orders_daily › doc_md",
        // The DAG's file.
        "orders_daily › fileloc",
        // dag-factory tags every DAG it builds.
        "orders_daily › tags",
        ...(v3
          ? [
              // On Airflow 3 a cron string means CronTriggerTimetable: no data interval.
              "orders_daily › first_interval_from_start",
              "orders_daily › timetable",
              "orders_daily › timetable_summary",
              // A manual run on Airflow 3 has no data interval: the YAML's dates do not render.
              ...Object.entries(dateFields).map(([t, f]) => `orders_daily › tasks › ${t} › rendered_manual › ${f}`),
            ]
          : []),
      ].sort(),
    );
    const [f, p] = [factory.inspected.dags.orders_daily!, ours.inspected.dags.orders_daily!];
    expect(f.tags).toEqual(["dagfactory", "orders"]);
    expect(p.tags).toEqual(["orders"]);
    expect(p.timetable).toBe("airflow.timetables.interval.CronDataIntervalTimetable");
    if (v3) {
      expect(f.timetable).toBe("airflow.sdk.definitions.timetables.trigger.CronTriggerTimetable");
      for (const [t, field] of Object.entries(dateFields)) {
        const manual = (dag: typeof f) => (dag.tasks[t]!.rendered_manual as Record<string, unknown>)[field];
        expect(manual(f)).toEqual({ error: "UndefinedError: 'data_interval_start' is undefined" });
        expect(manual(p)).toContain("2024-03-07");
      }
    }
  });
});
