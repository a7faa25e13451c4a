#!/usr/bin/env node
import { readFileSync } from "node:fs";
/**
 * The pipegen executable. The only place that sets exit codes:
 * 0 ok, 1 user error, 2 internal error.
 */
import { CommanderError } from "commander";
import { buildProgram } from "../cli/program.js";
import { color, printProblems } from "../cli/shared.js";
import { SpecError, StaleOutputError, UserError } from "../errors.js";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram(version).parseAsync(argv);
    return 0;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed help, the version, or the usage error.
    return error.exitCode === 0 ? 0 : 1;
  }
  if (error instanceof SpecError) {
    printProblems(error.problems);
    process.stderr.write(`${color.red("✗")} ${error.message}; nothing was written\n`);
    return 1;
  }
  if (error instanceof StaleOutputError) {
    for (const s of error.stale) process.stderr.write(`  ${s.reason.padEnd(7)} ${s.path}\n`);
    process.stderr.write(`${color.red("✗")} ${error.message}: run \`pipegen render\` and commit the result\n`);
    return 1;
  }
  if (error instanceof UserError) {
    process.stderr.write(`${color.red("✗")} ${error.message}\n`);
    return 1;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `${color.red("✗")} internal error — this is a bug in pipegen; please report it with this output:\n${detail}\n`,
  );
  return 2;
}

process.exitCode = await main(process.argv);
