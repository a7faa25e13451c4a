/**
 * The Amazon MWAA Airflow versions pipegen targets. The Python version is the
 * one MWAA's image runs for that Airflow version; it selects the constraints
 * file that MWAA requires on the first line of requirements.txt.
 */
export interface AirflowTarget {
  /** Airflow version, e.g. "2.10.3". */
  readonly version: string;
  /** Python major.minor of MWAA's image for this version. */
  readonly python: string;
  readonly major: 2 | 3;
}

export const AIRFLOW_TARGETS = [
  { version: "2.10.3", python: "3.11", major: 2 },
  { version: "2.11.0", python: "3.12", major: 2 },
  { version: "3.0.6", python: "3.12", major: 3 },
  { version: "3.2.1", python: "3.12", major: 3 },
  { version: "3.3.1", python: "3.12", major: 3 },
] as const satisfies readonly AirflowTarget[];

export type AirflowVersion = (typeof AIRFLOW_TARGETS)[number]["version"];

export const AIRFLOW_VERSIONS = AIRFLOW_TARGETS.map((t) => t.version) as [AirflowVersion, ...AirflowVersion[]];

/** Looks up a supported target; the schema guarantees the version is known. */
export function airflowTarget(version: AirflowVersion): AirflowTarget {
  return AIRFLOW_TARGETS.find((t) => t.version === version)!;
}

/** The constraints URL MWAA expects for a target. */
export function constraintsUrl(target: AirflowTarget): string {
  return `https://raw.githubusercontent.com/apache/airflow/constraints-${target.version}/constraints-${target.python}.txt`;
}
