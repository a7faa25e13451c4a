/**
 * Benchmark: `aws s3 sync` (the official AWS CLI from PyPI) vs `pipegen deploy`,
 * against the same local S3 server (moto on loopback) in one run.
 *
 *   node_modules/.bin/jiti bench/deploy.ts [--dags 1000] [--reps 3] [--quick] [--no-results]
 *
 * Both tools send their requests through the same counting proxy in front of
 * moto, so request counts are exact. Each round uses fresh versioned buckets;
 * the tool that goes first alternates between rounds. Times are wall-clock
 * for the whole process, as a CI job pays them (interpreter start included).
 */

import { mkdir, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { execa } from "execa";
import { BIN, ROOT } from "../test/helpers/cli.js";
import { MOTO_AWS_ENV, startMoto } from "../test/helpers/moto.js";
import { venvBin } from "../test/helpers/python.js";
import { type LoggedRequest, startS3Proxy } from "../test/helpers/s3-proxy.js";
import { writeResultsSection } from "./lib/results.mjs";

Object.assign(process.env, MOTO_AWS_ENV, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = flag("quick");
const DAGS = option("dags", quick ? 100 : 1000);
const REPS = option("reps", quick ? 1 : 3);
const writeResults = !flag("no-results") && !quick;

const WORK = path.join(ROOT, ".cache/bench/deploy");
const DOMAINS = [
  "orders",
  "customers",
  "products",
  "sales",
  "inventory",
  "shipments",
  "payments",
  "returns",
  "invoices",
  "clicks",
];

/** A pipegen spec like the repository's examples: sensor → crawler → Glue job → procedure → UNLOAD. */
function spec(i: number): { id: string; yaml: string } {
  const domain = DOMAINS[i % DOMAINS.length]!;
  const id = `${domain}_${String(i).padStart(4, "0")}`;
  const yaml = `id: ${id}
description: ${domain} ETL ${i}
owner: data-engineering
airflowVersion: "2.10.3"
schedule: "${i % 60} ${i % 24} * * *"
startDate: "2024-01-01"
connections:
  redshift:
    workgroup: analytics
    database: dev
    secretArn: arn:aws:secretsmanager:us-east-1:111122223333:secret:airflow/redshift-${domain}-Q1w2E3
steps:
  - id: wait_for_${domain}
    kind: s3Sensor
    bucket: landing-${domain}
    key: ${domain}/year=\${YYYY}/month=\${MM}/day=\${DD}/*.csv
  - id: crawl_${domain}
    kind: glueCrawler
    crawler: ${domain}_raw_${i}
  - id: load_${domain}
    kind: glueJob
    job: ${domain}_to_redshift_${i}
    args:
      --run_date: \${DATE}
  - id: transform_${domain}
    kind: redshiftProcedure
    procedure: sp_${domain}_${i}
  - id: unload_${domain}
    kind: unload
    table: ${domain}_f
    to: s3://exports-${domain}/${domain}/\${DATE}/
    options: ["FORMAT AS PARQUET", "ALLOWOVERWRITE"]
`;
  return { id, yaml };
}

const PHASES = ["first upload", "no-op re-run", "no-op, fresh checkout"] as const;
type Phase = (typeof PHASES)[number];

interface Measure {
  readonly tool: string;
  readonly phase: Phase;
  readonly ms: number;
  readonly cpuMs: number;
  readonly requests: number;
  readonly byOp: Record<string, number>;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  console.log(`deploy benchmark: ${DAGS} DAG files, ${REPS} round${REPS === 1 ? "" : "s"}`);
  await execa("npm", ["run", "build"], { cwd: ROOT, stdout: "ignore", stderr: "inherit" });
  await execa("bash", [path.join(ROOT, "test/python/setup-venvs.sh"), "moto", "bench-awscli"], {
    stdout: "inherit",
    stderr: "inherit",
  });

  // The bundle: DAGS specs rendered by the real CLI into dist/.
  await rm(WORK, { recursive: true, force: true });
  await mkdir(path.join(WORK, "pipelines"), { recursive: true });
  for (let i = 0; i < DAGS; i++) {
    const { id, yaml } = spec(i);
    await writeFile(path.join(WORK, "pipelines", `${id}.pipeline.yaml`), yaml);
  }
  await execa("node", [BIN, "render", "pipelines", "--out", "dist", "--quiet"], { cwd: WORK });
  const files = (await execa("find", ["dist", "-type", "f"], { cwd: WORK })).stdout.split("\n").length;
  const bytes = Number((await execa("du", ["-sb", "dist"], { cwd: WORK })).stdout.split("\t")[0]);
  console.log(`bundle: ${files} files (${DAGS} DAGs), ${(bytes / 1024 / 1024).toFixed(1)} MiB`);

  const moto = await startMoto();
  const proxy = await startS3Proxy(moto.endpoint);
  const s3 = new S3Client({ endpoint: moto.endpoint, region: "us-east-1" });
  const env = {
    ...process.env,
    ...MOTO_AWS_ENV,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    NO_COLOR: "1",
  };
  const measures: Measure[] = [];
  let buckets = 0;

  const newBucket = async () => {
    const name = `bench-${process.pid}-${++buckets}`;
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
    return name;
  };
  const measure = async (
    tool: string,
    phase: Phase,
    bucket: string,
    command: string,
    cmdArgs: string[],
    extraEnv: Record<string, string> = {},
  ) => {
    proxy.clearLog();
    // /usr/bin/time reports the tool's own CPU time (user + sys), which moves
    // less with the machine's load than wall time does.
    const cpuFile = path.join(WORK, "cpu.txt");
    const t0 = performance.now();
    const r = await execa("/usr/bin/time", ["-f", "%U %S", "-o", cpuFile, command, ...cmdArgs], {
      cwd: WORK,
      env: { ...env, ...extraEnv },
      reject: false,
      stdout: "pipe",
      stderr: "pipe",
    });
    const ms = performance.now() - t0;
    if (r.exitCode !== 0) throw new Error(`${tool} ${phase} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
    const cpuMs = (await readFile(cpuFile, "utf8"))
      .trim()
      .split(/\s+/)
      .slice(-2)
      .reduce((n, x) => n + Number(x) * 1000, 0);
    const log: LoggedRequest[] = proxy.log.filter((l) => l.bucket === bucket);
    const byOp: Record<string, number> = {};
    for (const l of log) byOp[l.op] = (byOp[l.op] ?? 0) + 1;
    measures.push({ tool, phase, ms, cpuMs, requests: log.length, byOp });
    console.log(
      `  ${tool.padEnd(44)} ${phase.padEnd(22)} ${(ms / 1000).toFixed(2).padStart(7)} s wall ${(cpuMs / 1000).toFixed(2).padStart(6)} s CPU ${String(log.length).padStart(6)} requests`,
    );
  };

  const aws = venvBin("bench-awscli", "aws");
  const tools: { name: string; run: (bucket: string, phase: Phase) => Promise<void> }[] = [
    {
      name: "aws s3 sync --delete",
      run: (b, phase) =>
        measure("aws s3 sync --delete", phase, b, aws, [
          "s3",
          "sync",
          "dist/",
          `s3://${b}/`,
          "--delete",
          "--only-show-errors",
          "--endpoint-url",
          proxy.endpoint,
        ]),
    },
    {
      name: "pipegen deploy --from dist",
      run: (b, phase) =>
        measure("pipegen deploy --from dist", phase, b, "node", [BIN, "deploy", "--from", "dist", "--bucket", b], {
          AWS_ENDPOINT_URL_S3: proxy.endpoint,
        }),
    },
    {
      name: "pipegen deploy --from dist --concurrency 10",
      run: (b, phase) =>
        measure(
          "pipegen deploy --from dist --concurrency 10",
          phase,
          b,
          "node",
          [BIN, "deploy", "--from", "dist", "--bucket", b, "--concurrency", "10"],
          { AWS_ENDPOINT_URL_S3: proxy.endpoint },
        ),
    },
    {
      name: "pipegen deploy (renders the specs)",
      run: (b, phase) =>
        measure("pipegen deploy (renders the specs)", phase, b, "node", [BIN, "deploy", "pipelines", "--bucket", b], {
          AWS_ENDPOINT_URL_S3: proxy.endpoint,
        }),
    },
  ];
  try {
    for (let rep = 0; rep < REPS; rep++) {
      console.log(`round ${rep + 1}/${REPS}`);
      // Rotate which tool goes first, so warm caches and server state favour nobody.
      const order = tools.map((_, i) => tools[(i + rep) % tools.length]!);
      for (const t of order) {
        const bucket = await newBucket();
        await t.run(bucket, "first upload");
        await t.run(bucket, "no-op re-run");
        // What CI sees: a fresh checkout (or a fresh render) gives every file a new mtime, same content.
        await touchAll(path.join(WORK, "dist"));
        await t.run(bucket, "no-op, fresh checkout");
      }
    }
  } finally {
    await proxy.close();
    await moto.stop();
  }

  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const rows = tools.flatMap((t) =>
    PHASES.map((phase) => {
      const ms = measures.filter((m) => m.tool === t.name && m.phase === phase);
      const last = ms.at(-1)!;
      return {
        tool: t.name,
        phase,
        ms: median(ms.map((m) => m.ms)),
        min: Math.min(...ms.map((m) => m.ms)),
        max: Math.max(...ms.map((m) => m.ms)),
        cpuMs: median(ms.map((m) => m.cpuMs)),
        requests: last.requests,
        byOp: last.byOp,
      };
    }),
  );
  const baseline = (phase: string) => rows.find((r) => r.tool === "aws s3 sync --delete" && r.phase === phase)!;
  const fmtOps = (byOp: Record<string, number>) =>
    Object.entries(byOp)
      .sort(([, a], [, b]) => b - a)
      .map(([op, n]) => `${op} ${n}`)
      .join(", ");
  const table = [
    "| tool | phase | wall time (median) | range | wall × aws s3 sync | client CPU | CPU × aws s3 sync | requests | requests by operation |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.tool} | ${r.phase} | ${(r.ms / 1000).toFixed(2)} s | ${(r.min / 1000).toFixed(2)}–${(r.max / 1000).toFixed(2)} s | ${(r.ms / baseline(r.phase).ms).toFixed(2)} | ${(r.cpuMs / 1000).toFixed(2)} s | ${(r.cpuMs / baseline(r.phase).cpuMs).toFixed(2)} | ${r.requests} | ${fmtOps(r.byOp)} |`,
    ),
  ].join("\n");
  console.log(`\n${table}\n`);
  const ratio = (tool: string, phase: Phase) => {
    const r = rows.find((x) => x.tool === tool && x.phase === phase)!;
    return `${(r.ms / baseline(phase).ms).toFixed(2)}× the wall time (${(r.cpuMs / baseline(phase).cpuMs).toFixed(2)}× the CPU) with ${r.requests} requests against ${baseline(phase).requests}`;
  };
  const pg = "pipegen deploy --from dist";
  const summary = [
    `**Summary** (\`${pg}\` against \`aws s3 sync --delete\`, medians):`,
    `first upload ${ratio(pg, "first upload")};`,
    `no-op re-run ${ratio(pg, "no-op re-run")};`,
    `no-op after a fresh checkout ${ratio(pg, "no-op, fresh checkout")}.`,
  ].join(" ");
  console.log(summary);
  const [awsVersion, motoVersion] = await Promise.all([
    execa(aws, ["--version"]).then((r) => r.stdout.trim()),
    execa(venvBin("moto", "python"), ["-c", "import moto; print(moto.__version__)"]).then((r) => r.stdout.trim()),
  ]);
  const section = `## Deploy: \`pipegen deploy\` vs \`aws s3 sync\` (\`bench/deploy.ts\`)

The same bundle (${DAGS} rendered DAG files + requirements.txt + .airflowignore,
${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB) uploaded to a fresh versioned bucket on moto ${motoVersion}
(loopback, behind a counting proxy); then deployed again with nothing changed,
once as is and once after every file got a new modification time with the
same content, as in a CI job's fresh checkout or fresh \`pipegen render\`.
Median of ${REPS} round${REPS === 1 ? "" : "s"} (the tool that goes first rotates); wall time of the whole
process, and the CPU time (user + sys) the tool's process used, which moves less
with the machine's load (the S3 server's CPU is not in it). Request counts are
from the proxy. Measured ${new Date().toISOString().slice(0, 10)} on
${cpus().length} cores (1-minute load average ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end; other work shared the machine), Node ${process.version}, ${awsVersion}.

${table}

${summary}

- \`aws s3 sync\` uses its default 10 concurrent requests; \`pipegen deploy\`
  defaults to 16 (the \`--concurrency 10\` row is the like-for-like one).
- What each tool compares decides the no-op. \`aws s3 sync\` lists the bucket
  and compares size and modification time, so after a fresh checkout it
  uploads every file again. pipegen reads its manifest (one GET), lists only
  the folders it manages and compares SHA-256 hashes, so it uploads nothing.
- On an unchanged checkout both tools are dominated by process start-up and
  one listing; pipegen also checks that the bucket is versioned and reads its
  manifest (in parallel with the listings).
- pipegen's first upload also writes the manifest and uploads in dependency
  order (each class waits for the previous one), which \`aws s3 sync\` does not.
- "renders the specs" includes loading, validating and rendering ${DAGS}
  specs in memory in the same process.

Run it: \`node_modules/.bin/jiti bench/deploy.ts\` (see bench/README.md).`;
  if (writeResults) {
    writeResultsSection("deploy", section);
    console.log("wrote the deploy section of bench/RESULTS.md");
  } else console.log("(RESULTS.md not touched)");
}

async function touchAll(dir: string): Promise<void> {
  const now = new Date();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) await utimes(path.join(e.parentPath, e.name), now, now);
}

await main();
