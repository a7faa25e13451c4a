/**
 * The XTable runner's place in the bucket and in startup.sh (src/runner/location.ts),
 * and its archive's bytes (src/runner/archive.ts): the same files give the
 * same bytes whatever their timestamps, modes, order on disk or time zone.
 */
import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packRunner } from "../../src/runner/archive.js";
import {
  isRunnerArchivePath,
  RunnerReferenceError,
  readRunnerReference,
  runnerReference,
  startupAssignments,
} from "../../src/runner/location.js";

const SHA = "0123456789abcdef".repeat(4);

describe("runnerReference and startup.sh", () => {
  it.each<[string, string, string]>([
    ["the bucket root", "", `s3://mwaa-env/xtable-runner/${SHA}.zip`],
    ["a prefix", "team-a/mwaa/", `s3://mwaa-env/team-a/mwaa/xtable-runner/${SHA}.zip`],
    ["a prefix as deploy --prefix takes it", "/team-a/mwaa", `s3://mwaa-env/team-a/mwaa/xtable-runner/${SHA}.zip`],
  ])("%s: written and read back", (_, prefix, uri) => {
    const ref = runnerReference({ bucket: "mwaa-env", prefix }, { sha256: SHA, size: 42 });
    const lines = startupAssignments(ref);
    expect(lines).toBe(
      `PIPEGEN_XTABLE_RUNNER_URI='${uri}'\nPIPEGEN_XTABLE_RUNNER_SHA256='${SHA}'\nPIPEGEN_XTABLE_RUNNER_BYTES=42`,
    );
    expect(readRunnerReference(`#!/bin/bash\nset -e\n${lines}\necho hi\n`)).toEqual(ref);
  });

  it("a startup.sh that names no runner", () => {
    expect(readRunnerReference("#!/bin/bash\necho hi\n")).toBeUndefined();
  });

  it.each<[string, string]>([
    [
      "a missing line",
      `PIPEGEN_XTABLE_RUNNER_URI='s3://b/xtable-runner/${SHA}.zip'\nPIPEGEN_XTABLE_RUNNER_SHA256='${SHA}'\n`,
    ],
    [
      "a key that is not the archive of that hash",
      `PIPEGEN_XTABLE_RUNNER_URI='s3://b/xtable-runner/other.zip'\nPIPEGEN_XTABLE_RUNNER_SHA256='${SHA}'\nPIPEGEN_XTABLE_RUNNER_BYTES=1\n`,
    ],
    [
      "an unquoted URI",
      `PIPEGEN_XTABLE_RUNNER_URI=s3://b/xtable-runner/${SHA}.zip\nPIPEGEN_XTABLE_RUNNER_SHA256='${SHA}'\nPIPEGEN_XTABLE_RUNNER_BYTES=1\n`,
    ],
    [
      "a line given twice",
      `PIPEGEN_XTABLE_RUNNER_URI='s3://b/xtable-runner/${SHA}.zip'\nPIPEGEN_XTABLE_RUNNER_URI='s3://c/xtable-runner/${SHA}.zip'\nPIPEGEN_XTABLE_RUNNER_SHA256='${SHA}'\nPIPEGEN_XTABLE_RUNNER_BYTES=1\n`,
    ],
  ])("refuses %s", (_, text) => {
    expect(() => readRunnerReference(text)).toThrow(RunnerReferenceError);
  });

  it.each([
    [`xtable-runner/${SHA}.zip`, true],
    [`xtable-runner/${SHA}.tar`, false],
    [`dags/xtable-runner/${SHA}.zip`, false],
    ["xtable-runner/latest.zip", false],
  ])("%s is a runner archive: %s", (p, want) => expect(isRunnerArchivePath(p)).toBe(want));
});

describe("packRunner", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "pipegen-runner-archive-"));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  /** A runner folder with these files, written in this order, with these timestamps and modes. */
  async function folder(name: string, files: [string, string][], when: Date, mode: number): Promise<string> {
    const dir = path.join(tmp, name);
    for (const [f, content] of files) {
      await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await writeFile(path.join(dir, f), content);
      await chmod(path.join(dir, f), mode);
      await utimes(path.join(dir, f), when, when);
    }
    return dir;
  }

  const FILES: [string, string][] = [
    ["pipegen-xtable.jar", "launcher"],
    ["b-dependency.jar", "b".repeat(1000)],
    ["a-dependency.jar", "a"],
    ["native/lib.so", "n"],
  ];

  it("depends on names and contents only: not on timestamps, modes or the order files were written", async () => {
    const one = await packRunner(await folder("one", FILES, new Date("2020-05-01T10:00:00Z"), 0o644));
    const two = await packRunner(await folder("two", [...FILES].reverse(), new Date("2026-11-30T23:59:59Z"), 0o755));
    expect(two.sha256).toBe(one.sha256);
    expect(two.bytes.equals(one.bytes)).toBe(true);
    expect(one.entries).toEqual(["a-dependency.jar", "b-dependency.jar", "native/lib.so", "pipegen-xtable.jar"]);
    expect(one.size).toBe(one.bytes.length);
  });

  it("differs when a file's content differs", async () => {
    const one = await packRunner(await folder("three", FILES, new Date(), 0o644));
    const changed = FILES.map(([f, c]): [string, string] => [f, f === "a-dependency.jar" ? "A" : c]);
    expect((await packRunner(await folder("four", changed, new Date(), 0o644))).sha256).not.toBe(one.sha256);
  });

  it("is a zip of stored entries, all dated 1980-01-01 00:00 and mode 0644, that unzip unpacks", async () => {
    const archive = await packRunner(await folder("five", FILES, new Date(), 0o755));
    const file = path.join(tmp, "five.zip");
    await writeFile(file, archive.bytes);
    const listing = execFileSync("zipinfo", [file], { encoding: "utf8" }).trim().split("\n").slice(2, -1);
    expect(listing).toHaveLength(4);
    for (const line of listing) expect(line).toMatch(/^-rw-r--r-- .* stor 80-Jan-01 00:00 /);
    execFileSync("unzip", ["-q", file, "-d", path.join(tmp, "five-out")]);
    expect(execFileSync("cat", [path.join(tmp, "five-out", "native/lib.so")], { encoding: "utf8" })).toBe("n");
  });
});
