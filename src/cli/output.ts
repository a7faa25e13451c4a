/** Terminal output: colours only on a TTY, and never with NO_COLOR (picocolors decides). */
import pc from "picocolors";
import { formatProblem, type Problem } from "../errors.js";

export const color = pc;

export function printProblems(problems: readonly Problem[]): void {
  for (const p of problems) {
    const [where, ...rest] = formatProblem(p).split(" ");
    process.stderr.write(`${pc.bold(where!)} ${rest.join(" ")}\n`);
  }
}
