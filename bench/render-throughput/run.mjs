/**
 * Render throughput (issue 6): `pipegen render` on 1,000 specs in a cold
 * process, against the floor — a plain Node script that only reads the same
 * spec files and writes as many output files. Both run as fresh processes,
 * interleaved, several times; the table shows medians and the ratio.
 *
 *   node bench/render-throughput/run.mjs [--n 1000] [--reps 5] [--no-results]
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makePipeline, pipegenYaml } from "../parse-cost/generate.mjs";
import { machineLine, median, ROOT, writeResultsSection } from "../lib/results.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const N = Number(option("--n", "1000"));
const REPS = Number(option("--reps", "5"));

const work = fs.mkdtempSync(path.join(os.tmpdir(), "pipegen-render-bench-"));
const FLOOR = path.join(work, "floor.mjs");
fs.writeFileSync(
  FLOOR,
  `import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
const [specs, out] = process.argv.slice(2);
await mkdir(out + "/dags", { recursive: true });
const files = (await readdir(specs)).sort();
const texts = await Promise.all(files.map((f) => readFile(specs + "/" + f, "utf8")));
await Promise.all(texts.map((t, i) => writeFile(out + "/dags/" + files[i] + ".py", t)));
`,
);

/** Writes N specs as YAML, or as TypeScript modules exporting the same objects. */
function writeSpecs(kind) {
  const dir = path.join(work, `specs-${kind}`);
  fs.mkdirSync(dir);
  for (let i = 0; i < N; i++) {
    const spec = { ...makePipeline(i, 42), airflowVersion: "2.10.3" };
    if (kind === "yaml") fs.writeFileSync(path.join(dir, `${spec.id}.pipeline.yaml`), pipegenYaml(spec));
    else fs.writeFileSync(path.join(dir, `${spec.id}.pipeline.ts`), `import { definePipeline } from "pipegen";\n\nexport default definePipeline(${JSON.stringify(spec, null, 2)});\n`);
  }
  return dir;
}

/** Wall time and peak RSS of one fresh process (GNU time reports the RSS). */
function measure(command) {
  const out = path.join(work, "out");
  fs.rmSync(out, { recursive: true, force: true });
  const start = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", ...command, out], { encoding: "utf8" });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${command.join(" ")} failed:\n${r.stderr}`);
  const files = fs.readdirSync(path.join(out, "dags")).filter((f) => f.endsWith(".py")).length;
  if (files !== N) throw new Error(`${command.join(" ")} wrote ${files} DAG files, not ${N}`);
  return { seconds, rssMb: Number(r.stderr.trim().split("\n").at(-1)) / 1024 };
}

execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
const bin = path.join(ROOT, "build/bin/pipegen.js");
const rows = [];
for (const kind of ["yaml", "ts"]) {
  const specs = writeSpecs(kind);
  const runs = { floor: [], pipegen: [] };
  for (let rep = 0; rep < REPS; rep++) {
    runs.floor.push(measure(["node", FLOOR, specs]));
    runs.pipegen.push(measure(["node", bin, "render", specs, "-q", "--out"]));
  }
  const floor = median(runs.floor.map((r) => r.seconds));
  const pipegen = median(runs.pipegen.map((r) => r.seconds));
  rows.push({ kind, floor, pipegen, ratio: pipegen / floor, floorRss: median(runs.floor.map((r) => r.rssMb)), pipegenRss: median(runs.pipegen.map((r) => r.rssMb)) });
}
fs.rmSync(work, { recursive: true, force: true });

const table = [
  `| ${N} specs | floor (read + write) | pipegen render | ratio | peak RSS floor / pipegen |`,
  "|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.kind === "yaml" ? "YAML" : "TypeScript"} | ${r.floor.toFixed(2)} s | ${r.pipegen.toFixed(2)} s | **${r.ratio.toFixed(1)}×** | ${r.floorRss.toFixed(0)} / ${r.pipegenRss.toFixed(0)} MB |`),
].join("\n");
console.log(table);
if (!args.includes("--no-results"))
  writeResultsSection(
    "render-throughput",
    `## Render throughput: \`pipegen render\` vs the read-and-write floor (\`bench/render-throughput/\`)

Cold processes, medians of ${REPS} interleaved runs. The floor is a Node script that only reads the same spec files and writes as many output files. Goal: ≤ 3× the floor.

${table}

Measured on ${machineLine()}.`,
  );
