/**
 * What resolve derives from each step, once: its Airflow task ids and the
 * tasks it runs after, how it reaches Redshift, where an UNLOAD writes, how a
 * sensor reads its key, and the Glue resources it names. Render, IAM, deploy
 * preflight and graph read these facts; none of them derives them again.
 */

import { KNOWN_OPERATORS, type KnownOperator } from "../spec/known-operators.js";
import type { DataApiConnection, Pipeline } from "../spec/pipeline.js";
import { s3KeyForm } from "../spec/s3-keys.js";
import { parseS3Uri } from "../spec/s3-uri.js";
import { type RedshiftStepKind, STEP_KINDS } from "../spec/step-kinds.js";
import type { Step, StepKind, StepOf } from "../spec/steps/index.js";
import { datasetNamespace } from "../spec/steps/xtable.js";

/** How a pipeline's Redshift steps reach Redshift: the Data API (a workgroup or cluster), or an Airflow connection. */
export type RedshiftRoute =
  | { readonly via: "dataApi"; readonly connection: DataApiConnection }
  | { readonly via: "connection"; readonly connId: string };

/** Where UNLOAD writes: the bucket, and the prefix every object it writes starts with (date placeholders not expanded). */
export interface UnloadTarget {
  readonly bucket: string;
  readonly prefix: string;
}

/** A Glue resource a step names; `region` undefined is the environment's own. */
export type GlueResource =
  /** A crawler the step starts; `createdIfMissing` when the operator creates it (a managed crawler). */
  | { readonly kind: "crawler"; readonly name: string; readonly createdIfMissing: boolean }
  /** A job the step runs; `createdIfMissing` when the operator can create it (it has a script and a role). */
  | { readonly kind: "job"; readonly name: string; readonly createdIfMissing: boolean }
  /** A Data Catalog database the step's crawler or XTable writes tables into. */
  | { readonly kind: "database"; readonly name: string; readonly region: string | undefined }
  /** A Data Catalog table XTable registers (created when missing). */
  | { readonly kind: "table"; readonly database: string; readonly name: string; readonly region: string | undefined };

/** The facts of every step, whatever its kind. */
interface CommonFacts<K extends StepKind> {
  readonly kind: K;
  readonly step: StepOf<K>;
  /** The step's place in the spec's `steps`, to say where a problem is (`steps[3]`). */
  readonly index: number;
  /** Its Airflow task ids in the order they run: the first runs after the upstream steps, the last is what downstream steps wait for. */
  readonly taskIds: readonly [string, ...string[]];
  /** Ids of the steps it runs after: its `after`, or else the step before it. */
  readonly upstream: readonly string[];
  /** The tasks its first task runs after: the last task of each upstream step. */
  readonly upstreamTaskIds: readonly string[];
  /** The Glue crawlers, jobs, databases and tables it names. */
  readonly glue: readonly GlueResource[];
}

/** The facts of one kind only. */
interface KindFacts {
  readonly s3Sensor: {
    /** Whether the key is a Unix wildcard pattern: `wildcard`, else whether the key has `*`, `?` or `[`. */
    readonly wildcard: boolean;
    /** `url`: the key has a URL scheme and is sensed as `s3://<bucket>/<key>` (see spec/s3-keys.ts). */
    readonly keyForm: "relative" | "url";
  };
  /** The GlueCrawlerSensor's task, when the step waits with a sensor. */
  readonly glueCrawler: { readonly sensorTaskId: string | undefined };
  /** The GlueJobSensor's task, when the step waits with a sensor. */
  readonly glueJob: { readonly sensorTaskId: string | undefined };
  readonly xtable: object;
  readonly redshiftProcedure: object;
  readonly redshiftSql: object;
  readonly refreshMaterializedView: object;
  readonly unload: { readonly target: UnloadTarget };
  readonly operator: {
    /** The module the class is imported from, and its name. */
    readonly module: string;
    readonly className: string;
    /** The class comes from the Amazon provider, which requirements.txt then lists. */
    readonly amazonProvider: boolean;
    /** What pipegen knows of the class (its arguments and templated fields); undefined for any other class. */
    readonly known: KnownOperator | undefined;
  };
}

/** How the kinds that STEP_KINDS says run on Redshift reach it. */
type RouteFacts<K extends StepKind> = K extends RedshiftStepKind ? { readonly redshift: RedshiftRoute } : object;

/** A step with everything derived from it. */
export type ResolvedStep<K extends StepKind = StepKind> = K extends StepKind
  ? CommonFacts<K> & KindFacts[K] & RouteFacts<K>
  : never;

/** A step that runs on Redshift. */
export type ResolvedRedshiftStep = ResolvedStep<RedshiftStepKind>;

/** What each kind derives from its step: its own facts (a sensor task among them) and the Glue resources it names. */
type KindResolver<K extends StepKind> = (step: StepOf<K>) => KindFacts[K] & { readonly glue?: readonly GlueResource[] };

const sensorTaskId = (step: { id: string; wait: string }) =>
  step.wait === "sensor" ? `wait_for_${step.id}` : undefined;

const KIND_FACTS: { readonly [K in StepKind]: KindResolver<K> } = {
  s3Sensor: (step) => {
    const form = s3KeyForm(step.key);
    // Validation refuses a key in any other form.
    if (typeof form === "object") throw new Error(`a refused sensor key passed validation: ${step.key}`);
    return { wildcard: step.wildcard ?? /[*?[]/.test(step.key), keyForm: form };
  },
  glueCrawler: (step) => ({
    sensorTaskId: sensorTaskId(step),
    glue: [
      { kind: "crawler", name: step.crawler, createdIfMissing: step.manage !== undefined },
      ...(step.manage ? [{ kind: "database", name: step.manage.database, region: undefined } as const] : []),
    ],
  }),
  glueJob: (step) => ({
    sensorTaskId: sensorTaskId(step),
    glue: [
      { kind: "job", name: step.job, createdIfMissing: step.scriptLocation !== undefined && step.role !== undefined },
    ],
  }),
  xtable: (step) => {
    if (!step.glueCatalog) return {};
    const region = step.glueCatalog.region;
    // Validation makes every name a Glue database or table name here (lower case, a namespace where there is no database).
    const tables = step.datasets.map((d) => ({ database: datasetNamespace(step, d)!, name: d.tableName }));
    return {
      glue: [
        ...[...new Set(tables.map((t) => t.database))].map((name) => ({ kind: "database", name, region }) as const),
        ...tables.map((t) => ({ kind: "table", ...t, region }) as const),
      ],
    };
  },
  redshiftProcedure: () => ({}),
  redshiftSql: () => ({}),
  refreshMaterializedView: () => ({}),
  unload: (step) => ({ target: unloadTarget(step) }),
  operator: (step) => {
    const at = step.operator.lastIndexOf(".");
    return {
      module: step.operator.slice(0, at),
      className: step.operator.slice(at + 1),
      amazonProvider: step.operator.startsWith("airflow.providers.amazon."),
      known: KNOWN_OPERATORS[step.operator],
    };
  },
};

/** Every step's facts, in spec order. */
export function resolveSteps(pipeline: Pipeline): ResolvedStep[] {
  const steps = pipeline.steps as readonly Step[];
  const upstream = upstreamIds(steps);
  const own = steps.map((step) => (KIND_FACTS[step.kind] as KindResolver<StepKind>)(step));
  const taskIds = new Map(
    steps.map((step, i) => {
      const sensor = "sensorTaskId" in own[i]! ? own[i].sensorTaskId : undefined;
      return [step.id, sensor === undefined ? ([step.id] as const) : ([step.id, sensor] as const)];
    }),
  );
  // `after` may name a step further down the list, so every step's tasks are known before the edges.
  return steps.map((step, index) => {
    const { glue = [], ...facts } = own[index]!;
    const ups = upstream.get(step.id)!;
    return {
      kind: step.kind,
      step,
      index,
      taskIds: taskIds.get(step.id)!,
      upstream: ups,
      upstreamTaskIds: ups.map((id) => taskIds.get(id)!.at(-1)!),
      glue,
      ...facts,
      ...(STEP_KINDS[step.kind].redshift ? { redshift: redshiftRoute(pipeline) } : {}),
    } as ResolvedStep;
  });
}

/** Upstream step ids of each step: `after`, or else the step before it (the first step has none). */
function upstreamIds(steps: readonly Step[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  steps.forEach((s, i) => {
    out.set(s.id, s.after ? [...s.after] : i > 0 ? [steps[i - 1]!.id] : []);
  });
  return out;
}

/** How the pipeline's Redshift steps connect; validation guarantees a connection when a step needs one. */
export function redshiftRoute(pipeline: Pipeline): RedshiftRoute {
  const connection = pipeline.connections.redshift;
  if (!connection) throw new Error("a Redshift step without connections.redshift passed validation");
  return "connId" in connection ? { via: "connection", connId: connection.connId } : { via: "dataApi", connection };
}

/**
 * The bucket and the key prefix every object UNLOAD writes starts with. With
 * `table` the files are named after it, `<to>/<table>_…`, and a trailing
 * slash of `to` (or a bare bucket) never gives `//`: `s3://b/` writes
 * `products_f_0000_part_00`. With `query` the prefix is `to` as written.
 */
function unloadTarget(step: StepOf<"unload">): UnloadTarget {
  const { bucket, key } = parseS3Uri(step.to)!;
  if (!step.table) return { bucket, prefix: key };
  const folder = key.replace(/\/+$/, "");
  return { bucket, prefix: `${folder ? `${folder}/` : ""}${step.table}_` };
}
