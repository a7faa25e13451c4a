/**
 * jars/build.sh: Apache XTable from its pinned source release, the runner
 * cached by input hashes, and the same bytes when rebuilt from the same inputs
 * (the next step ships the runner under its content hash).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { buildEnv, RUNNER_DIR } from "../helpers/xtable.js";

const BUILD = `${ROOT}jars/build.sh`;
const XTABLE_REPO = `${ROOT}.cache/m2/org/apache/xtable`;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "pipegen-jars-"));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const build = (args: string[] = [], env: Record<string, string> = {}) =>
  execa("bash", [BUILD, ...args], { env: buildEnv(env), reject: false });

/** file name → sha256 of every file in a folder. */
function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        createHash("sha256")
          .update(readFileSync(join(dir, f)))
          .digest("hex"),
      ]),
  );
}

/** Every jar under the local Maven repository's org/apache/xtable, by file name. */
function installedXTableJars(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".jar")) out[name] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(XTABLE_REPO);
  return out;
}

describe("the runner (built by the global setup)", () => {
  it("is the launcher jar beside XTable and its dependencies", () => {
    const files = readdirSync(RUNNER_DIR);
    expect(files).toContain("pipegen-xtable.jar");
    expect(files).toContain("xtable-core_2.12-0.4.0-incubating.jar");
    expect(files).toContain("iceberg-core-1.9.2.jar");
    expect(files.every((f) => f.endsWith(".jar"))).toBe(true);
  });

  it("XTable came from the pinned source release, built by this recipe", () => {
    const pinned = readFileSync(`${ROOT}jars/xtable-source.sha512`, "utf8").split(" ")[0];
    expect(readFileSync(join(XTABLE_REPO, ".pipegen-built-from-source"), "utf8")).toBe(`sha512=${pinned} recipe=1\n`);
  });

  it("a second build with the same inputs runs no Maven and leaves the runner untouched", async () => {
    const before = statSync(join(RUNNER_DIR, "pipegen-xtable.jar")).mtimeMs;
    const r = await build();
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(join(RUNNER_DIR, "pipegen-xtable.jar"));
    expect(r.stderr).toBe("");
    expect(statSync(join(RUNNER_DIR, "pipegen-xtable.jar")).mtimeMs).toBe(before);
  });
});

describe("reproducible: rebuilt from the same inputs, the bytes are the same", () => {
  it("the runner's lib/ folder, built again into another folder", async () => {
    const dir = join(tmp, "runner");
    const r = await build([], { PIPEGEN_RUNNER_DIR: dir });
    expect(r.stderr).toContain(`building the XTable runner into ${dir}/lib`);
    expect(r.exitCode).toBe(0);
    const again = hashes(join(dir, "lib"));
    expect(Object.keys(again).length).toBeGreaterThan(100);
    expect(again).toEqual(hashes(RUNNER_DIR));
  });

  it("the XTable jars, built again from the source tarball (offline, nothing installed)", async () => {
    const dir = join(tmp, "xtable");
    const r = await build(["xtable-jars", dir]);
    expect(r.exitCode, r.stderr).toBe(0);
    const again = hashes(dir);
    expect(Object.keys(again).sort()).toEqual([
      "xtable-api-0.4.0-incubating.jar",
      "xtable-core_2.12-0.4.0-incubating.jar",
      "xtable-hudi-support-utils-0.4.0-incubating.jar",
    ]);
    const installed = installedXTableJars();
    for (const [name, hash] of Object.entries(again)) expect(installed[name], name).toBe(hash);
    // and the runner ships exactly those
    const lib = hashes(RUNNER_DIR);
    for (const [name, hash] of Object.entries(again)) expect(lib[name], name).toBe(hash);
  });
});

describe("the source tarball", () => {
  const unpacked = () => readdirSync(`${ROOT}.cache/xtable-build`).filter((f) => f.startsWith("src."));

  it("is refused, with nothing unpacked, when it does not match the pinned SHA-512", async () => {
    const fake = join(tmp, "apache-xtable-0.4.0-incubating-rc2-src.tar.gz");
    await writeFile(fake, "not the release");
    // An empty Maven repository: the build asks the configured repositories first, then the source.
    const r = await build([], { PIPEGEN_MAVEN_REPO: join(tmp, "m2"), PIPEGEN_XTABLE_SOURCE: fake });
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Apache XTable 0.4.0-incubating is not served by the configured Maven repositories");
    expect(r.stderr).toMatch(
      new RegExp(
        `PIPEGEN_XTABLE_SOURCE ${fake} does not match the SHA-512 pinned in jars/xtable-source.sha512 \\(expected 841846984a24.*, got [0-9a-f]{128}\\); nothing was unpacked\\.`,
      ),
    );
    expect(unpacked()).toEqual([]);
  });

  it("is asked for, naming where it comes from, when Maven does not serve XTable", async () => {
    const r = await build(["xtable-jars", join(tmp, "none")], { PIPEGEN_XTABLE_SOURCE: "" });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain("PIPEGEN_XTABLE_SOURCE is not set");
    expect(r.stderr).toContain(
      "'git archive --prefix=apache-xtable-0.4.0-incubating/' of the tag 0.4.0-incubating-rc2",
    );
  });
});
