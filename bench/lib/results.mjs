/** Shared by the benchmarks: their section of bench/RESULTS.md, medians, and the machine they ran on. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RESULTS_MD = path.join(ROOT, "bench/RESULTS.md");

/**
 * How a results section says where its numbers come from: the line under its
 * heading. test/bench.test.ts reads it back, checks that the commit carries
 * no uncommitted changes and runs the command with --check-args.
 */
export const PROVENANCE = /^Produced by `(?<command>[^`]+)` at commit (?<commit>[0-9a-f]{7,40})(?<rest>.*)$/m;

/**
 * The commit whose code a run measures: HEAD's short id, plus
 * " + uncommitted changes" when the work tree differs from it (RESULTS.md
 * aside). Take it when the run starts.
 */
export function measuredCommit() {
  const git = (...args) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  const head = git("rev-parse", "--short", "HEAD");
  const dirty = git("status", "--porcelain", "--", ".", ":(exclude)bench/RESULTS.md");
  return dirty ? `${head} + uncommitted changes` : head;
}

/** A word for a POSIX shell: as is when it is safe, else single-quoted. */
const shellWord = (w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`);

/** The command that ran a benchmark, as a user would type it from the repository's root. */
export function commandLine(runnerAndScript, argv) {
  return [...runnerAndScript, ...argv].map(shellWord).join(" ");
}

/** The line under a section's heading (PROVENANCE reads it back). */
export const provenanceLine = ({ command, commit }) => `Produced by \`${command}\` at commit ${commit}.`;

/**
 * Replaces the `name` section of bench/RESULTS.md, or appends it; other
 * sections stay as they are. `markdown` starts with its `## ` heading; the
 * provenance line (PROVENANCE) goes right under it.
 */
export function writeResultsSection(name, markdown, { command, commit }) {
  const [heading, ...rest] = markdown.trim().split("\n");
  if (!heading.startsWith("## ")) throw new Error(`the ${name} section must start with a "## " heading`);
  const body = [heading, "", provenanceLine({ command, commit }), ...rest].join("\n");
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${body}\n${end}`;
  let text = fs.existsSync(RESULTS_MD)
    ? fs.readFileSync(RESULTS_MD, "utf8")
    : "# Benchmark results\n\nEach section is written by its benchmark; see bench/README.md for how to run them.\n";
  if (text.includes(begin) && text.includes(end))
    text = text.slice(0, text.indexOf(begin)) + block + text.slice(text.indexOf(end) + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(RESULTS_MD, text);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The 1, 5 and 15-minute load averages. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

/** One line on where and when the numbers were measured (the commit is in the provenance line). */
export function machineLine() {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`;
}
