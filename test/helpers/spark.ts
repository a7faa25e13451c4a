/**
 * Spark for the XTable tests: the jars of test/tools/setup-spark-jars.sh and
 * the Delta tables test/python/spark_fixtures.py writes the way AWS Glue does
 * (Spark 3.5 + Delta Lake 3.3). Spark is slow to start on two cores, so one
 * session writes every table, cached under .cache/spark-fixtures/ and keyed
 * by the script's and the requirements' hashes and the jars' names.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { execa } from "execa";
import { ROOT } from "./cli.js";
import { venvBin } from "./python.js";

export const SPARK_FIXTURES = `${ROOT}test/python/spark_fixtures.py`;

/** The folder of Spark's Delta and Iceberg jars; Hudi's bundle is in its hudi/ subfolder. */
export async function sparkJars(): Promise<string> {
  return (await execa("bash", [`${ROOT}test/tools/setup-spark-jars.sh`])).stdout.trim();
}

/** The Spark-written tables, from the cache or written now (one Spark session); returns their folder. */
export async function sparkTables(jars: string): Promise<string> {
  const key = createHash("sha256")
    .update(readFileSync(SPARK_FIXTURES))
    .update(readFileSync(`${ROOT}test/python/requirements/spark.txt`))
    .update(readdirSync(jars).sort().join(","))
    .digest("hex")
    .slice(0, 16);
  const cached = `${ROOT}.cache/spark-fixtures/${key}`;
  if (!existsSync(cached)) {
    const building = `${cached}.building-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    await mkdir(building, { recursive: true });
    const r = await execa(venvBin("spark", "python"), [SPARK_FIXTURES, "write", jars, building], { reject: false });
    if (r.exitCode !== 0) throw new Error(`spark_fixtures.py write exited ${r.exitCode}:\n${r.stderr.slice(-4000)}`);
    try {
      renameSync(building, cached);
    } catch (e) {
      // Another test file wrote the same tables at the same time: use those.
      if (!existsSync(cached)) throw e;
      await rm(building, { recursive: true, force: true });
    }
  }
  // Tables of earlier versions of the script are of no use any more.
  for (const old of readdirSync(`${ROOT}.cache/spark-fixtures`))
    if (old !== key && !old.includes(".building-"))
      await rm(`${ROOT}.cache/spark-fixtures/${old}`, { recursive: true, force: true });
  return cached;
}
