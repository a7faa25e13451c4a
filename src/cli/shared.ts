/** Pieces several commands share. */
import path from "node:path";
import { Option } from "commander";
import pc from "picocolors";
import { formatProblem, type Problem } from "../errors.js";
import { AIRFLOW_VERSIONS } from "../spec/airflow-versions.js";

/** Terminal colours: only on a TTY, and never with NO_COLOR (picocolors decides). */
export const color = pc;

export const airflowVersionOption = () =>
  new Option(
    "--airflow-version <version>",
    "render every spec for this MWAA Airflow version instead of its own",
  ).choices(AIRFLOW_VERSIONS);

/** `--env`: the environment of the project config whose values the specs read. */
export const envOption = () =>
  new Option("--env <name>", "the environment of pipegen.config whose values the specs read (e.g. dev, prod)");

/** `--config`: the project config file, when it is not pipegen.config.* in the working directory. */
export const configOption = () =>
  new Option("--config <file>", "the project config file (default: pipegen.config.{yaml,yml,json,ts} if present)");

export function printProblems(problems: readonly Problem[]): void {
  for (const p of problems) {
    const [where, ...rest] = formatProblem(p).split(" ");
    process.stderr.write(`${pc.bold(where!)} ${rest.join(" ")}\n`);
  }
}

/** The writer kept the previous output folder: files pipegen did not write appeared in it while it was replaced. */
export function keptWarning(out: string, kept: string): string {
  return `${pc.yellow("!")} files pipegen did not write appeared in ${out} while it was replaced; they are kept in ${path.relative(process.cwd(), kept)}\n`;
}
