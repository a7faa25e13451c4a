/**
 * Render throughput (issue 6): `pipegen render` on 1,000 specs in a cold
 * process, against two floors, all run as fresh processes, interleaved,
 * several times; the table shows medians and ratios.
 *  - read + write: a plain Node script that only reads the same spec files
 *    and writes as many output files (the issue's floor);
 *  - parse + check: check-floor.mjs, which also parses every spec and checks
 *    it against pipegen's zod schema, as any pipegen on this stack must.
 *
 *   node bench/render-throughput/run.mjs [--n 1000] [--reps 5] [--no-results]
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { machineLine, median, ROOT, writeResultsSection } from "../lib/results.mjs";
import { makePipeline, pipegenYaml } from "../parse-cost/generate.mjs";

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
    else
      fs.writeFileSync(
        path.join(dir, `${spec.id}.pipeline.ts`),
        `import { definePipeline } from "pipegen";\n\nexport default definePipeline(${JSON.stringify(spec, null, 2)});\n`,
      );
  }
  return dir;
}

/**
 * Wall time, CPU time (user + system, all threads) and peak RSS of one fresh
 * process; GNU time reports the last two. The previous run's output is
 * removed and flushed first, so that no run pays for another's writeback.
 */
function measure(command) {
  const out = path.join(work, "out");
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync("sync");
  const start = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M %U %S", ...command, out], { encoding: "utf8" });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${command.join(" ")} failed:\n${r.stderr}`);
  const files = fs.readdirSync(path.join(out, "dags")).filter((f) => f.endsWith(".py")).length;
  if (files !== N) throw new Error(`${command.join(" ")} wrote ${files} DAG files, not ${N}`);
  const [rssKb, user, system] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { seconds, cpu: user + system, rssMb: rssKb / 1024 };
}

execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
const bin = path.join(ROOT, "build/bin/pipegen.js");
const CHECK_FLOOR = path.join(ROOT, "bench/render-throughput/check-floor.mjs");
const rows = [];
for (const kind of ["yaml", "ts"]) {
  const specs = writeSpecs(kind);
  const runs = { floor: [], check: [], pipegen: [] };
  for (let rep = 0; rep < REPS; rep++) {
    runs.floor.push(measure(["node", FLOOR, specs]));
    runs.check.push(measure(["node", CHECK_FLOOR, specs]));
    runs.pipegen.push(measure(["node", bin, "render", specs, "-q", "--out"]));
  }
  const of = (name, key) => median(runs[name].map((r) => r[key]));
  rows.push({
    kind,
    floor: of("floor", "seconds"),
    check: of("check", "seconds"),
    pipegen: of("pipegen", "seconds"),
    cpu: ["floor", "check", "pipegen"].map((name) => of(name, "cpu")),
    rss: ["floor", "check", "pipegen"].map((name) => of(name, "rssMb")),
  });
}
fs.rmSync(work, { recursive: true, force: true });

const name = (r) => (r.kind === "yaml" ? "YAML" : "TypeScript");
const table = [
  `| ${N} specs | floor: read + write | floor: parse + check | pipegen render | pipegen / read + write | parse + check / read + write | pipegen / parse + check |`,
  "|---|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${name(r)}, wall | ${r.floor.toFixed(2)} s | ${r.check.toFixed(2)} s | ${r.pipegen.toFixed(2)} s | **${(r.pipegen / r.floor).toFixed(1)}×** | ${(r.check / r.floor).toFixed(1)}× | ${(r.pipegen / r.check).toFixed(1)}× |`,
  ),
  ...rows.map(
    (r) =>
      `| ${name(r)}, CPU | ${r.cpu[0].toFixed(2)} s | ${r.cpu[1].toFixed(2)} s | ${r.cpu[2].toFixed(2)} s | ${(r.cpu[2] / r.cpu[0]).toFixed(1)}× | ${(r.cpu[1] / r.cpu[0]).toFixed(1)}× | ${(r.cpu[2] / r.cpu[1]).toFixed(1)}× |`,
  ),
  ...rows.map((r) => `| ${name(r)}, peak RSS | ${r.rss.map((x) => `${x.toFixed(0)} MB`).join(" | ")} | | | |`),
].join("\n");
console.log(table);
if (!args.includes("--no-results"))
  writeResultsSection(
    "render-throughput",
    `## Render throughput: \`pipegen render\` vs two floors (\`bench/render-throughput/\`)

Cold processes, medians of ${REPS} interleaved runs. The read + write floor is a Node script that only reads the same spec files and writes as many output files; the parse + check floor (\`check-floor.mjs\`) also parses each spec as pipegen does and checks it against pipegen's zod schema, rendering nothing. CPU is user + system time of all the process's threads. Goal: ≤ 3× the read + write floor (wall time).

${table}

Measured on ${machineLine()}.`,
  );
