/**
 * `pipegen xtable run`'s verdict logic, unit by unit: a fake `java` on PATH
 * plays the runner, so a test can make it print any result line and exit code
 * (protocol in jars/README.md). It records its arguments. Delta tables are
 * real (deltalake). The real runner is proven in real-runner.test.ts.
 */

import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { pipegen, ROOT } from "../helpers/cli.js";
import { pythonJson } from "../helpers/python.js";

const FAKE_JAVA = `#!/bin/bash
# Plays pipegen's XTable runner: records its arguments and config files, then
# prints FAKE_JAVA_STDOUT / FAKE_JAVA_STDERR and exits FAKE_JAVA_EXIT.
PATH=/usr/bin:/bin
printf '%s\\n' "$@" > "$FAKE_JAVA_OUT/args"
while [ $# -gt 0 ]; do
  case $1 in
    --datasetConfig) cp "$2" "$FAKE_JAVA_OUT/dataset.yaml" ;;
    --icebergCatalogConfig) cp "$2" "$FAKE_JAVA_OUT/catalog.yaml" ;;
  esac
  shift
done
[ -z "$FAKE_JAVA_STDERR" ] || printf '%s\\n' "$FAKE_JAVA_STDERR" >&2
[ -z "$FAKE_JAVA_STDOUT" ] || printf '%s\\n' "$FAKE_JAVA_STDOUT"
exit "\${FAKE_JAVA_EXIT:-0}"
`;

const result = (datasets: { table: string; format?: string; status: string; error?: string | null }[]) =>
  `pipegen-xtable-result: ${JSON.stringify({ ok: datasets.every((d) => d.status === "SUCCESS"), datasets: datasets.map((d) => ({ format: "ICEBERG", error: null, ...d })) })}`;

let root: string;
let bin: string; // node + the fake java
let nodeOnly: string; // node, no java
let runner: string;
let out: string;
let fixtures: Record<string, { path: string }>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pipegen-xtable-run-"));
  bin = join(root, "bin");
  nodeOnly = join(root, "node-only");
  runner = join(root, "runner");
  for (const dir of [bin, nodeOnly, runner]) await mkdir(dir);
  await symlink(process.execPath, join(bin, "node"));
  await symlink(process.execPath, join(nodeOnly, "node"));
  await writeFile(join(bin, "java"), FAKE_JAVA);
  await chmod(join(bin, "java"), 0o755);
  await writeFile(join(runner, "pipegen-xtable.jar"), ""); // only its presence is checked
  fixtures = (
    await pythonJson<{ cases: Record<string, { path: string }> }>("delta", [
      `${ROOT}test/python/xtable_fixtures.py`,
      "build",
      join(root, "fixtures"),
      "unpartitioned,dv_file,small_ints,escaped_paths",
    ])
  ).cases;
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

let n = 0;
beforeEach(async () => {
  out = join(root, `out-${n++}`);
  await mkdir(out);
});

async function config(name: string, data: unknown): Promise<string> {
  const file = join(root, `${name}-${n}.yaml`);
  await writeFile(file, typeof data === "string" ? data : YAML.stringify(data));
  return file;
}

const dataset = (datasets: Record<string, string>[], targetFormats = ["ICEBERG"]) => ({
  sourceFormat: "DELTA",
  targetFormats,
  datasets,
});

function run(args: string[], env: Record<string, string> = {}) {
  return pipegen(["xtable", "run", ...args], {
    env: { PATH: bin, JAVA_HOME: "", PIPEGEN_XTABLE_RUNNER: "", FAKE_JAVA_OUT: out, ...env },
  });
}

const javaRan = () => existsSync(join(out, "args"));

describe("the verdict comes from the result line", () => {
  it("succeeds when every dataset × format synced, streaming the JVM's output", async () => {
    const file = await config(
      "ds",
      dataset([
        { tableBasePath: fixtures.unpartitioned!.path, tableName: "sales" },
        { tableBasePath: "s3://lake/orders", tableName: "orders" },
      ]),
    );
    const stdout = [
      "pipegen-xtable: sales DELTA -> ICEBERG: SUCCESS (1.0s)",
      result([
        { table: "sales", status: "SUCCESS" },
        { table: "orders", status: "SUCCESS" },
      ]),
    ].join("\n");
    const r = await run(["--config", file, "--runner", runner], {
      FAKE_JAVA_STDOUT: stdout,
      FAKE_JAVA_STDERR: "12:00:00 INFO ConversionController - Sync is successful",
    });
    expect(r.stderr).toContain("│ pipegen-xtable: sales DELTA -> ICEBERG: SUCCESS (1.0s)");
    expect(r.stderr).toContain("│ 12:00:00 INFO ConversionController - Sync is successful");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("✓ sales → ICEBERG\n✓ orders → ICEBERG\n✓ 2 syncs succeeded");
    // pipegen sets the JVM flags and the classpath; the config reaches the runner unchanged.
    const args = (await readFile(join(out, "args"), "utf8")).trim().split("\n");
    expect(args.slice(0, 2)).toEqual(["-Xmx2g", "-XX:+ExitOnOutOfMemoryError"]);
    expect(args).toContain("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    expect(args.slice(args.indexOf("-cp"), args.indexOf("-cp") + 4)).toEqual([
      "-cp",
      `${runner}/*`,
      "pipegen.xtable.Launcher",
      "--datasetConfig",
    ]);
    expect(YAML.parse(await readFile(join(out, "dataset.yaml"), "utf8"))).toEqual(
      YAML.parse(await readFile(file, "utf8")),
    );
    expect(args).not.toContain("--icebergCatalogConfig");
  });

  it("fails naming the table and format when the runner reports FAILED", async () => {
    const file = await config(
      "ds",
      dataset([
        { tableBasePath: "s3://lake/sales", tableName: "sales" },
        { tableBasePath: "s3://lake/orders", tableName: "orders" },
      ]),
    );
    const stdout = result([
      { table: "sales", status: "SUCCESS" },
      { table: "orders", status: "FAILED", error: "ReadException: Failed to get table at version 3" },
    ]);
    const r = await run(["--config", file, "--runner", runner, "--quiet"], {
      FAKE_JAVA_STDOUT: stdout,
      FAKE_JAVA_EXIT: "1",
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "✗ XTable sync failed: failed: orders (ICEBERG): ReadException: Failed to get table at version 3; the JVM exited with code 1.",
    );
  });

  it("fails when the JVM exits 0 but prints no result line (as XTable's RunSync does)", async () => {
    const file = await config("ds", dataset([{ tableBasePath: "s3://lake/sales", tableName: "sales" }]));
    const r = await run(["--config", file, "--runner", runner, "--quiet"], {
      FAKE_JAVA_STDOUT: "Error running sync for s3://lake/sales",
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      "✗ XTable sync failed: the runner printed no 'pipegen-xtable-result:' line. Not known to have synced: sales (ICEBERG).",
    );
  });

  it("fails when a dataset × format has no result, even with ok=true and exit 0", async () => {
    const file = await config(
      "ds",
      dataset([
        { tableBasePath: "s3://lake/sales", tableName: "sales" },
        { tableBasePath: "s3://lake/orders", tableName: "orders" },
      ]),
    );
    const r = await run(["--config", file, "--runner", runner, "--quiet"], {
      FAKE_JAVA_STDOUT: result([{ table: "sales", status: "SUCCESS" }]),
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("✗ XTable sync failed: no result for orders (ICEBERG).");
  });

  it("reports the runner's bad-input paragraph (exit 2)", async () => {
    const file = await config("ds", dataset([{ tableBasePath: "s3://lake/sales", tableName: "sales" }]));
    const r = await run(["--config", file, "--runner", runner, "--quiet"], {
      FAKE_JAVA_STDERR: "pipegen-xtable: bad input: the catalog class org.example.Nope is not on the classpath.",
      FAKE_JAVA_STDOUT: result([{ table: "sales", status: "FAILED", error: "not run: bad input" }]),
      FAKE_JAVA_EXIT: "2",
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      "✗ the XTable runner rejected its input (exit 2), nothing was synced: pipegen-xtable: bad input: the catalog class org.example.Nope is not on the classpath.",
    );
  });

  it("passes a catalog config on", async () => {
    const file = await config(
      "ds",
      dataset([{ tableBasePath: "s3://lake/sales", tableName: "sales", namespace: "lake" }]),
    );
    const catalog = await config("catalog", {
      catalogImpl: "org.apache.iceberg.aws.glue.GlueCatalog",
      catalogName: "glue",
    });
    const r = await run(["--config", file, "--catalog", catalog, "--runner", runner, "--max-heap", "512m", "--quiet"], {
      FAKE_JAVA_STDOUT: result([{ table: "sales", status: "SUCCESS" }]),
    });
    expect(r.exitCode).toBe(0);
    expect(YAML.parse(await readFile(join(out, "catalog.yaml"), "utf8"))).toEqual({
      catalogImpl: "org.apache.iceberg.aws.glue.GlueCatalog",
      catalogName: "glue",
      catalogOptions: {},
    });
    expect((await readFile(join(out, "args"), "utf8")).split("\n")[0]).toBe("-Xmx512m");
  });
});

describe("setup errors", () => {
  const ok = { FAKE_JAVA_STDOUT: result([{ table: "sales", status: "SUCCESS" }]) };
  it("no java on PATH and no JAVA_HOME", async () => {
    const file = await config("ds", dataset([{ tableBasePath: "s3://lake/sales", tableName: "sales" }]));
    const r = await run(["--config", file, "--runner", runner], { PATH: nodeOnly });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^✗ Java not found: no java on PATH and JAVA_HOME is not set; install a Java 17 runtime .* or set JAVA_HOME\.$/,
    );
  });

  it("JAVA_HOME without a java", async () => {
    const file = await config("ds", dataset([{ tableBasePath: "s3://lake/sales", tableName: "sales" }]));
    const r = await run(["--config", file, "--runner", runner], { JAVA_HOME: join(root, "no-jdk") });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      `✗ Java not found: JAVA_HOME is ${join(root, "no-jdk")}, but ${join(root, "no-jdk", "bin", "java")} is not an executable file`,
    );
  });

  it("JAVA_HOME wins over PATH", async () => {
    const file = await config("ds", dataset([{ tableBasePath: "s3://lake/sales", tableName: "sales" }]));
    const home = join(root, "jdk");
    await mkdir(join(home, "bin"), { recursive: true });
    await symlink(join(bin, "java"), join(home, "bin", "java"));
    const r = await run(["--config", file, "--runner", runner, "--quiet"], { ...ok, PATH: nodeOnly, JAVA_HOME: home });
    expect(r.exitCode).toBe(0);
  });

  it("no runner: says how to build it", async () => {
    const file = await config("ds", dataset([{ tableBasePath: "s3://lake/sales", tableName: "sales" }]));
    const r = await run(["--config", file, "--runner", join(root, "fixtures")]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      `✗ the XTable runner is not at ${join(root, "fixtures")} (no pipegen-xtable.jar): build it with jars/build.sh (it builds Apache XTable from the source release named by PIPEGEN_XTABLE_SOURCE`,
    );
    expect(javaRan()).toBe(false);
  });

  it("the runner folder from PIPEGEN_XTABLE_RUNNER", async () => {
    const file = await config("ds", dataset([{ tableBasePath: "s3://lake/sales", tableName: "sales" }]));
    const r = await run(["--config", file, "--quiet"], { ...ok, PIPEGEN_XTABLE_RUNNER: runner });
    expect(r.exitCode).toBe(0);
    expect(await readFile(join(out, "args"), "utf8")).toContain(`${runner}/*`);
  });
});

describe("bad input is refused before the JVM starts", () => {
  it("refuses Delta tables XTable would mistranslate, naming each table and feature", async () => {
    const file = await config(
      "ds",
      dataset([
        { tableBasePath: fixtures.unpartitioned!.path, tableName: "fine" },
        { tableBasePath: fixtures.dv_file!.path, tableName: "with_dv" },
        { tableBasePath: `file://${fixtures.small_ints!.path}`, tableName: "tiny" },
      ]),
    );
    const r = await run(["--config", file, "--runner", runner]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^✗ refusing to translate the Delta table with_dv \(.*dv_file\), tiny \(.*small_ints\): deletionVectors — 1 active data file has a deletion vector .*; smallIntegers — columns tiny \(TINYINT\), small \(SMALLINT\)/,
    );
    expect(r.stderr).toContain("nothing was synced.");
    expect(javaRan()).toBe(false);
  });

  it("refuses a table with percent-escaped file paths (XTable 0.4.0 writes them encoded)", async () => {
    const file = await config("ds", dataset([{ tableBasePath: fixtures.escaped_paths!.path, tableName: "regions" }]));
    const r = await run(["--config", file, "--runner", runner]);
    expect(r.exitCode).toBe(1);
    // Quoted as the Delta log holds the paths (encoded once more than the folder names).
    expect(r.stderr).toMatch(
      /escapedPaths — 3 active data files have a percent-escaped path in the Delta log \(region=[^,]*%25[^,]*\.parquet, /,
    );
  });

  it("a local path that is not a Delta table", async () => {
    const file = await config("ds", dataset([{ tableBasePath: join(root, "nope"), tableName: "sales" }]));
    const r = await run(["--config", file, "--runner", runner]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`✗ ${join(root, "nope")} is not a Delta table: ${join(root, "nope")} does not exist.`);
  });

  it.each([
    [
      "an unknown key",
      dataset([{ tableBasePath: "s3://lake/a", tableName: "a", colour: "red" }]),
      /datasets\.0: Unrecognized key: "colour"/,
    ],
    [
      "a relative path",
      dataset([{ tableBasePath: "lake/a", tableName: "a" }]),
      /datasets\.0\.tableBasePath: must be an absolute path or a URI/,
    ],
    [
      "a duplicate tableName",
      dataset([
        { tableBasePath: "s3://lake/a", tableName: "a" },
        { tableBasePath: "s3://lake/b", tableName: "a" },
      ]),
      /datasets\.1\.tableName: a appears twice/,
    ],
    [
      "a non-Delta source",
      { ...dataset([{ tableBasePath: "s3://lake/a", tableName: "a" }]), sourceFormat: "HUDI" },
      /sourceFormat: must be DELTA/,
    ],
    ["no datasets", dataset([]), /datasets: must list at least one dataset/],
    [
      "a target the runner does not write",
      dataset([{ tableBasePath: "s3://lake/a", tableName: "a" }], ["ICEBERG", "DELTA"]),
      /targetFormats\.1: must be ICEBERG or HUDI/,
    ],
    ["invalid YAML", "sourceFormat: [DELTA\n", /is not valid YAML/],
  ])("%s", async (_what, data, message) => {
    const file = await config("ds", data);
    const r = await run(["--config", file, "--runner", runner]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^✗ (the dataset config .* is invalid|the dataset config .* is not valid YAML)/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split("\n")).toHaveLength(1);
    expect(javaRan()).toBe(false);
  });

  it("neither --config nor --pipeline", async () => {
    const r = await run(["--runner", runner]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("✗ nothing to run: give --config <dataset.yaml> or --pipeline <spec> --step <id>.");
  });
});

describe("a spec's xtable step with local paths", () => {
  async function spec(datasets: unknown[], extra: Record<string, unknown> = {}): Promise<string> {
    const dir = join(root, `spec-${n}`);
    await mkdir(dir);
    const file = join(dir, "demo.pipeline.yaml");
    await writeFile(
      file,
      YAML.stringify({
        id: "demo",
        airflowVersion: "2.10.3",
        schedule: "@daily",
        startDate: "2024-01-01",
        xtableRunner: { bucket: "mwaa-env" },
        steps: [
          { id: "wait", kind: "s3Sensor", bucket: "landing-bucket", key: "in/*.csv" },
          {
            id: "to_iceberg",
            kind: "xtable",
            after: ["wait"],
            targetFormats: ["ICEBERG"],
            datasets,
            maxHeap: "1g",
            ...extra,
          },
        ],
      }),
    );
    return file;
  }

  it("runs the step's datasets with the step's heap", async () => {
    const file = await spec([{ tableBasePath: fixtures.unpartitioned!.path, tableName: "sales", namespace: "lake" }], {
      glueCatalog: { warehouse: "s3://warehouse-bucket/", region: "eu-west-1" },
    });
    const r = await run(["--pipeline", file, "--step", "to_iceberg", "--runner", runner, "--quiet"], {
      FAKE_JAVA_STDOUT: result([{ table: "sales", status: "SUCCESS" }]),
    });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(YAML.parse(await readFile(join(out, "dataset.yaml"), "utf8"))).toEqual(
      dataset([{ tableBasePath: fixtures.unpartitioned!.path, tableName: "sales", namespace: "lake" }]),
    );
    expect(YAML.parse(await readFile(join(out, "catalog.yaml"), "utf8"))).toEqual({
      catalogImpl: "org.apache.iceberg.aws.glue.GlueCatalog",
      catalogName: "glue",
      catalogOptions: {
        warehouse: "s3://warehouse-bucket/",
        "io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        "client.region": "eu-west-1",
      },
    });
    expect((await readFile(join(out, "args"), "utf8")).split("\n")[0]).toBe("-Xmx1g");
  });

  it("refuses paths with date placeholders, which only Airflow resolves", async () => {
    const file = await spec([{ tableBasePath: "/lake/sales/dt=${DATE}", tableName: "sales" }]);
    const r = await run(["--pipeline", file, "--step", "to_iceberg", "--runner", runner]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      'datasets[0].tableBasePath is "/lake/sales/dt=${DATE}": placeholders and Jinja only resolve when Airflow runs the step',
    );
  });

  it("names the steps when --step is wrong, and refuses a step of another kind", async () => {
    const file = await spec([{ tableBasePath: fixtures.unpartitioned!.path, tableName: "sales" }]);
    const missing = await run(["--pipeline", file, "--step", "nope", "--runner", runner]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("has no step nope; its steps: wait, to_iceberg.");
    const other = await run(["--pipeline", file, "--step", "wait", "--runner", runner]);
    expect(other.stderr).toContain("step wait of");
    expect(other.stderr).toContain("is a s3Sensor step, not an xtable step.");
  });
});
