/**
 * What each step kind needs beyond its own fields. The table is keyed by
 * every step kind, so a new kind fails to compile until it says what it needs.
 */
import type { Step, StepKind } from "./steps/index.js";

export interface StepKindTraits {
  /** Runs SQL on Redshift, so the pipeline needs `connections.redshift`. */
  readonly redshift: boolean;
  /**
   * Its tasks need the Amazon provider installed: its operators come from it,
   * or (a Redshift step over an Airflow connection) the `redshift` connection type does.
   */
  readonly amazonProvider: boolean;
}

export const STEP_KINDS = {
  s3Sensor: { redshift: false, amazonProvider: true },
  glueCrawler: { redshift: false, amazonProvider: true },
  glueJob: { redshift: false, amazonProvider: true },
  // pipegen's own XTableOperator, shipped in the bundle's dags/ folder.
  xtable: { redshift: false, amazonProvider: false },
  redshiftProcedure: { redshift: true, amazonProvider: true },
  redshiftSql: { redshift: true, amazonProvider: true },
  refreshMaterializedView: { redshift: true, amazonProvider: true },
  unload: { redshift: true, amazonProvider: true },
  // The class the spec names: resolve says whether it comes from the Amazon provider.
  operator: { redshift: false, amazonProvider: false },
} as const satisfies { readonly [K in StepKind]: StepKindTraits };

/** The kinds that run on Redshift. */
export type RedshiftStepKind = {
  [K in StepKind]: (typeof STEP_KINDS)[K]["redshift"] extends true ? K : never;
}[StepKind];

/**
 * The end of a `switch` over step kinds: the argument is `never` only when
 * every kind has its case, so a new kind fails to compile there.
 */
export function unhandledStepKind(step: never): never {
  throw new Error(`unhandled step kind ${(step as Step).kind}`);
}
