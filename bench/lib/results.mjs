/** Shared by the benchmarks: their section of bench/RESULTS.md, medians, and the machine they ran on. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RESULTS_MD = path.join(ROOT, "bench/RESULTS.md");

/** Replaces the `name` section of bench/RESULTS.md, or appends it; other sections stay as they are. */
export function writeResultsSection(name, markdown) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
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

/** One line on where and when the numbers were measured. */
export function machineLine() {
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}, commit ${commit}, ${new Date().toISOString().slice(0, 16)}Z`;
}
