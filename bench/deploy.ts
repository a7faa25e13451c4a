/**
 * Benchmark: `aws s3 sync` (the official AWS CLI from PyPI) vs `pipegen deploy`,
 * against the same local S3 server (moto on loopback) in one run.
 *
 * Both tools send their requests through the same counting proxy in front of
 * moto, so request counts are exact. Each round uses fresh versioned buckets;
 * the tool that goes first alternates between rounds. Times are wall-clock
 * for the whole process, as a CI job pays them (interpreter start included).
 */

import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import path from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { execa } from "execa";
import { MANIFEST as RENDER_MANIFEST } from "../src/write/ownership.js";
import { BIN, ROOT } from "../test/helpers/cli.js";
import { MOTO_AWS_ENV, startMoto } from "../test/helpers/moto.js";
import { venvBin } from "../test/helpers/python.js";
import { type LoggedRequest, startS3Proxy, WRITE_OPS } from "../test/helpers/s3-proxy.js";
import { benchOptions, checkPassed, integer } from "./lib/options.mjs";
import { commandLine, loadAverage, measuredCommit, writeResultsSection } from "./lib/results.mjs";

Object.assign(process.env, MOTO_AWS_ENV, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });

const opts = benchOptions<{ dags: number; reps: number }>({
  name: "deploy",
  usage: `
node_modules/.bin/jiti bench/deploy.ts [--dags 1000] [--reps 3] [--quick] [--no-results] [--no-build] [--check-args]

Renders --dags specs into a bundle and deploys it with \`aws s3 sync --delete\`
and \`pipegen deploy\` to fresh versioned buckets on moto, behind a counting
proxy: first upload, no-op re-run, no-op after a fresh checkout. Checks after
every deploy that the bucket holds exactly the bundle, and that no no-op
deploy of pipegen's (nor aws s3 sync's plain re-run) writes anything. Writes
its section of bench/RESULTS.md unless --no-results or --quick.

--quick: 100 DAGs, 1 round, RESULTS.md untouched.
`,
  options: {
    dags: { default: "1000", parse: integer },
    reps: { default: "3", parse: integer },
  },
  quick: { dags: "100", reps: "1" },
});
const DAGS = opts.dags;
const REPS = opts.reps;
const writeResults = opts.results;

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
  const commit = measuredCommit();
  const loadAtStart = loadAverage();
  console.log(`load average ${loadAtStart} (1/5/15 min)`);
  console.log(`deploy benchmark: ${DAGS} DAG files, ${REPS} round${REPS === 1 ? "" : "s"}`);
  if (opts.build) await execa("npm", ["run", "build"], { cwd: ROOT, stdout: "ignore", stderr: "inherit" });
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
  const want = await bundleDigests(path.join(WORK, "dist"));

  const moto = await startMoto();
  const proxy = await startS3Proxy(moto.endpoint).catch(async (e) => {
    await moto.stop();
    throw e;
  });
  const s3 = new S3Client({ endpoint: moto.endpoint, region: "us-east-1" });
  const env = {
    ...process.env,
    ...MOTO_AWS_ENV,
    // pipegen deploy asks STS which account the credentials belong to (the
    // bucket owner every S3 call expects), as a CI job without aws.account
    // does; moto answers, outside the counting proxy, which sees S3 only.
    AWS_ENDPOINT_URL_STS: moto.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    NO_COLOR: "1",
  };
  const measures: Measure[] = [];
  let buckets = 0;
  let deploysChecked = 0;
  let noOpsChecked = 0;

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
    // What the rows claim: every deploy leaves exactly the bundle in the bucket, and a no-op writes nothing.
    await checkBucketHoldsBundle(s3, bucket, want, `${tool}, ${phase}`);
    deploysChecked++;
    const writes = log.filter((l) => WRITE_OPS.has(l.op)).length;
    const mustNotWrite = phase === "no-op re-run" || (phase === "no-op, fresh checkout" && tool.startsWith("pipegen"));
    if (mustNotWrite && writes > 0)
      throw new Error(`${tool}, ${phase}: ${writes} write requests to the bucket, where nothing changed`);
    if (mustNotWrite) noOpsChecked++;
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
          // What pipegen deploy leaves out too: render's list of the files it wrote, not part of the bundle.
          "--exclude",
          RENDER_MANIFEST,
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
  checkPassed(
    `after each of the ${deploysChecked} deploys the bucket held exactly the bundle's ${want.size} files, with the same content`,
  );
  checkPassed(
    `none of the ${noOpsChecked} no-op deploys wrote to the bucket (pipegen's, after a fresh checkout too; aws s3 sync's plain re-run)`,
  );

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
  const loadAtEnd = loadAverage();
  console.log(`load average ${loadAtEnd} at the end`);
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
${cpus().length} cores (load average ${loadAtStart} at the start, ${loadAtEnd} at the end, 1/5/15 min), Node ${process.version}, ${awsVersion}.

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
  specs in memory in the same process.`;
  if (writeResults) {
    writeResultsSection("deploy", section, {
      command: commandLine(["node_modules/.bin/jiti", "bench/deploy.ts"], opts.argv),
      commit,
    });
    console.log("wrote the deploy section of bench/RESULTS.md");
  } else console.log("(RESULTS.md not touched)");
}

/**
 * Every file of the bundle: its key in the bucket and the MD5 of its content
 * (a single-part upload's ETag). Render's own manifest of what it wrote stays
 * on disk: `pipegen deploy` never uploads it.
 */
async function bundleDigests(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) {
      const file = path.join(e.parentPath, e.name);
      if (path.relative(dir, file) === RENDER_MANIFEST) continue;
      out.set(
        path.relative(dir, file),
        createHash("md5")
          .update(await readFile(file))
          .digest("hex"),
      );
    }
  return out;
}

/** Throws unless the bucket holds exactly the bundle (besides pipegen's own `.pipegen/` manifest). */
async function checkBucketHoldsBundle(
  s3: S3Client,
  bucket: string,
  want: ReadonlyMap<string, string>,
  after: string,
): Promise<void> {
  const got = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? [])
      if (!o.Key!.startsWith(".pipegen/")) got.set(o.Key!, (o.ETag ?? "").replaceAll('"', ""));
    token = page.NextContinuationToken;
  } while (token);
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  const changed = [...want].filter(([k, md5]) => got.has(k) && got.get(k) !== md5).map(([k]) => k);
  if (missing.length + extra.length + changed.length > 0)
    throw new Error(
      `after ${after}, the bucket does not hold the bundle: ${missing.length} files missing (${missing.slice(0, 3).join(", ")}), ` +
        `${extra.length} not in the bundle (${extra.slice(0, 3).join(", ")}), ${changed.length} with other content (${changed.slice(0, 3).join(", ")})`,
    );
}

async function touchAll(dir: string): Promise<void> {
  const now = new Date();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) await utimes(path.join(e.parentPath, e.name), now, now);
}

await main();
