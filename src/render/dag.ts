/** Renders one pipeline into its DAG module, `dags/<dag_id>.py`. */
import type { ResolvedPipeline } from "../resolve/index.js";
import type { AirflowTarget } from "../spec/airflow-versions.js";
import type { AssetSchedule } from "../spec/assets.js";
import type { DateTimeParts } from "../spec/dates.js";
import { assetScheduleValue } from "./assets.js";
import { renderDiagram } from "./diagram.js";
import { organizeImports } from "./imports.js";
import { notifiers } from "./notify.js";
import { dagParams } from "./params.js";
import {
  importsOf,
  LINE_LENGTH,
  PyCall,
  PyCode,
  type PyValue,
  pyCommentText,
  pyDocstring,
  pyInline,
  pyLiteral,
  pyTimedelta,
} from "./python.js";
import { type GraphItem, nestedItems, taskGraph } from "./task-graph.js";
import { renderTemplate } from "./templates.js";

export function renderDag(ctx: ResolvedPipeline): string {
  const { pipeline: p, target } = ctx;
  const graph = taskGraph(ctx);
  const defaultArgs: Record<string, PyValue> = { owner: p.owner };
  if (p.defaults.retries !== undefined) defaultArgs.retries = p.defaults.retries;
  if (p.defaults.retryDelay !== undefined) defaultArgs.retry_delay = pyTimedelta(p.defaults.retryDelay);
  if (p.defaults.executionTimeout !== undefined)
    defaultArgs.execution_timeout = pyTimedelta(p.defaults.executionTimeout);

  const dagKwargs = defined([
    ["dag_id", p.id],
    ["description", p.description],
    ["schedule", schedule(p.schedule, target)],
    ["start_date", startDate(ctx.startDate)],
    ["catchup", p.catchup],
    ["max_active_runs", p.maxActiveRuns],
    ["dagrun_timeout", p.dagrunTimeout === undefined ? undefined : pyTimedelta(p.dagrunTimeout)],
    ["default_args", defaultArgs],
    ["params", dagParams(ctx)],
    ["tags", p.tags.length > 0 ? p.tags : undefined],
    ["on_failure_callback", notifiers(p.notify, "failure", "dag", ctx)],
    ["on_success_callback", notifiers(p.notify, "success", "dag", ctx)],
    // The module docstring: the description and the task graph, shown in the Airflow UI.
    ["doc_md", new PyCode("__doc__")],
  ]);
  const body = bodyLines(nestedItems(graph), "    ");
  const taskKwargs = body.flatMap((line) => line.task?.kwargs ?? []);

  const imports = [
    target.major === 2 ? "from airflow import DAG" : "from airflow.sdk import DAG",
    ...(graph.groups.length === 0 ? [] : [taskGroupImport(target)]),
    ...graph.tasks.map((t) => `from ${t.operator.module} import ${t.operator.name}`),
    ...[...dagKwargs, ...taskKwargs].flatMap((k) => importsOf(k.value)),
  ];
  const doc = `${p.description ?? p.id}\n\n\`\`\`mermaid\n${renderDiagram(graph, p.id, "mermaid")}\`\`\`\n`;
  return renderTemplate("dag.py.hbs", {
    // The header is a comment: the spec's path must not be able to end it.
    source: pyCommentText(ctx.source),
    docstring: pyDocstring(doc),
    notes: dagKwargs.some((k) => k.value instanceof PyCode && k.value.code.startsWith("CronDataIntervalTimetable"))
      ? [
          "Each run covers the interval that just ended (CronDataIntervalTimetable), as on",
          "Airflow 2, so date placeholders name the same partition on every Airflow version.",
        ]
      : [],
    importSections: organizeImports(imports),
    dagKwargs,
    body,
    edges: graph.edges.map(([up, down]) => edgeStatement(up, down)),
  });
}

/** Where TaskGroup lives: the task SDK on Airflow 3, beside DAG. */
function taskGroupImport(target: AirflowTarget): string {
  return target.major === 2 ? "from airflow.utils.task_group import TaskGroup" : "from airflow.sdk import TaskGroup";
}

/** One statement in the DAG block: a task, or the `with TaskGroup(...)` that the next lines sit in. */
interface BodyLine {
  /** A blank line before it: between siblings, never right after a `with` line. */
  readonly blankBefore: boolean;
  readonly opener: string | null;
  readonly task: {
    readonly indent: string;
    readonly kwargIndent: number;
    readonly variable: string;
    readonly className: string;
    readonly kwargs: Array<{ name: string; value: PyValue }>;
  } | null;
}

/**
 * The DAG block's statements, each group a `with TaskGroup(...)` block around
 * its tasks and groups. `prefix_group_id=False` keeps every task id equal to
 * its step id: `after`, logs, `airflow tasks test` and the IAM explanations
 * use one name, and moving a step into or out of a group keeps its history.
 */
function bodyLines(items: readonly GraphItem[], indent: string): BodyLine[] {
  return items.flatMap((item, i): BodyLine[] => {
    const blankBefore = i > 0;
    if ("task" in item) {
      const t = item.task;
      return [
        {
          blankBefore,
          opener: null,
          task: {
            indent,
            kwargIndent: indent.length + 4,
            variable: t.taskId,
            className: t.operator.name,
            kwargs: defined(t.kwargs),
          },
        },
      ];
    }
    const call = new PyCall(
      "TaskGroup",
      [],
      [
        ["group_id", item.group.id],
        ["prefix_group_id", false],
        ...(item.group.tooltip === undefined ? [] : [["tooltip", item.group.tooltip] as const]),
      ],
    );
    const opener = `${indent}with ${pyLiteral(call, indent.length + 5, indent, ":")}:`;
    return [{ blankBefore, opener, task: null }, ...bodyLines(item.items, `${indent}    `)];
  });
}

function defined(
  kwargs: ReadonlyArray<readonly [string, PyValue | undefined]>,
): Array<{ name: string; value: PyValue }> {
  return kwargs
    .filter((k): k is readonly [string, PyValue] => k[1] !== undefined)
    .map(([name, value]) => ({ name, value }));
}

/** Cron expressions of the presets that describe a repeating interval. */
const PRESET_CRON: Record<string, string> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@quarterly": "0 0 1 */3 *",
  "@yearly": "0 0 1 1 *",
};

/**
 * The DAG's schedule. Airflow 3 (as MWAA configures it) turns a cron string
 * into a trigger timetable whose data interval is empty, so the 3.x DAGs name
 * CronDataIntervalTimetable to keep Airflow 2's meaning: a run covers the
 * interval that just ended.
 */
function schedule(value: string | null | AssetSchedule, target: AirflowTarget): PyValue {
  if (value === null || value === "none") return null;
  if (typeof value === "object") return assetScheduleValue(value, target);
  const cron = PRESET_CRON[value] ?? (value.startsWith("@") ? undefined : value);
  if (target.major === 2 || cron === undefined) return value;
  return new PyCall(
    "CronDataIntervalTimetable",
    [cron],
    [["timezone", "UTC"]],
    ["from airflow.timetables.interval import CronDataIntervalTimetable"],
  );
}

/** `pendulum.datetime(...)` in UTC: timezone-aware, as Airflow requires. */
function startDate(d: DateTimeParts): PyCall {
  const parts = [d.year, d.month, d.day];
  if (d.hour || d.minute || d.second) parts.push(d.hour, d.minute);
  if (d.second) parts.push(d.second);
  return new PyCall("pendulum.datetime", parts, [["tz", "UTC"]], ["import pendulum"]);
}

/**
 * `upstream >> downstream` inside the DAG block, laid out as `ruff format`
 * would: on one line when it fits; a list of upstreams exploded when its
 * closing `] >> downstream` fits; otherwise parenthesized and split at `>>`,
 * the upstream side itself exploded when it does not fit.
 */
function edgeStatement(upstream: readonly string[], downstream: string): string {
  const indent = "    ";
  const inner = `${indent}    `;
  const ids = upstream.map((id) => new PyCode(id));
  const left = upstream.length === 1 ? upstream[0]! : pyInline(ids);
  const line = `${indent}${left} >> ${downstream}`;
  if (line.length <= LINE_LENGTH) return line;
  const tail = ` >> ${downstream}`;
  if (upstream.length > 1 && indent.length + 1 + tail.length <= LINE_LENGTH)
    return `${indent}${pyLiteral(ids, indent.length, indent, tail)}${tail}`;
  const lhs = upstream.length === 1 ? left : pyLiteral(ids, inner.length, inner);
  return `${indent}(\n${inner}${lhs}\n${inner}>> ${downstream}\n${indent})`;
}
