/** Reading bench/RESULTS.md back: its sections, their provenance lines, and the commands in them. */
import { existsSync } from "node:fs";
import { execa } from "execa";
import type { Benchmark } from "../../bench/benchmarks.mjs";
import { PROVENANCE } from "../../bench/lib/results.mjs";
import { ROOT } from "./cli.js";

export interface Section {
  readonly name: string;
  readonly body: string;
}

/** The `<!-- name:begin -->` … `<!-- name:end -->` blocks, in order; throws on one left open. */
export function sectionsOf(markdown: string): Section[] {
  const sections = [...markdown.matchAll(/<!-- ([\w-]+):begin -->\n([\s\S]*?)\n<!-- \1:end -->/g)].map((m) => ({
    name: m[1]!,
    body: m[2]!,
  }));
  const begins = [...markdown.matchAll(/<!-- ([\w-]+):begin -->/g)].length;
  if (begins !== sections.length)
    throw new Error(`RESULTS.md: ${begins - sections.length} section(s) without an end marker`);
  return sections;
}

export interface Provenance {
  readonly command: string;
  readonly commit: string;
  /** What follows the commit on the line. */
  readonly rest: string;
}

/** The section's provenance lines (there must be exactly one). */
export function provenanceOf(body: string): Provenance[] {
  return [...body.matchAll(new RegExp(PROVENANCE.source, "gm"))].map((m) => ({
    command: m.groups!.command!,
    commit: m.groups!.commit!,
    rest: m.groups!.rest!,
  }));
}

/** Splits a POSIX shell command into words: quotes ('…', "…") and backslash escapes, no expansions. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const close = command.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unclosed ' in ${command}`);
      word = (word ?? "") + command.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let j = i + 1;
      let text = "";
      for (; j < command.length && command[j] !== '"'; j++) text += command[j] === "\\" ? command[++j] : command[j];
      if (j >= command.length) throw new Error(`unclosed " in ${command}`);
      word = (word ?? "") + text;
      i = j;
    } else if (c === "\\") word = (word ?? "") + (command[++i] ?? "");
    else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Why a recorded command would no longer run, or undefined when it would:
 * it must start with the benchmark's own runner and script, the script must
 * exist, and the benchmark must accept every option and value in it (its
 * --check-args parses them exactly as a run does, and rejects unknown ones).
 */
export async function commandProblem(command: string, bench: Benchmark): Promise<string | undefined> {
  const words = shellWords(command);
  const [runner, script] = bench.command;
  if (words[0] !== runner || words[1] !== script)
    return `does not run ${bench.command.join(" ")} (the ${bench.name} benchmark)`;
  if (runner !== "node" && !existsSync(`${ROOT}${runner}`)) return `${runner} does not exist`;
  if (!existsSync(`${ROOT}${script}`)) return `${script} does not exist`;
  const r = await execa(words[0]!, [...words.slice(1), "--check-args"], { cwd: ROOT, reject: false });
  if (r.exitCode !== 0) return `exits ${r.exitCode} with --check-args: ${r.stderr.trim()}`;
  return undefined;
}
