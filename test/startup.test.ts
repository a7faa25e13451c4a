/**
 * The Java part of the generated startup.sh run for real by bash, with sudo,
 * yum and java replaced by fakes on a PATH that holds nothing else, so the
 * test sees exactly what the script would install on each MWAA component.
 * The XTable runner is already installed in $AIRFLOW_HOME here, so nothing is
 * fetched (test/runner-startup.test.ts fetches it with the real AWS CLI).
 */

import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, expect, it } from "vitest";
import { readRunnerReference } from "../src/runner/location.js";
import { goldenBundle } from "./helpers/golden.js";

const STARTUP = `${goldenBundle("3.3.1")}/startup.sh`;
const TOOLS = ["bash", "sed", "head", "dirname", "readlink", "cat", "chmod"];

let bin: string;
let log: string;
let home: string;

/** A fake java that reports a given major version. */
const fakeJava = (major: number) => `#!/bin/bash
if [[ "$*" == *XshowSettings* ]]; then echo "    java.specification.version = ${major}" >&2; fi
echo "openjdk version \\"${major}.0.1\\" (fake)" >&2
`;

beforeEach(async () => {
  bin = await mkdtemp(path.join(tmpdir(), "pipegen-startup-"));
  log = path.join(bin, "calls.log");
  for (const tool of TOOLS) {
    const { stdout } = await execa("bash", ["-c", `command -v ${tool}`]);
    await symlink(stdout.trim(), path.join(bin, tool));
  }
  await script("sudo", `#!/bin/bash\necho "sudo $*" >> ${log}\n"$@"\n`);
  home = path.join(bin, "airflow-home");
  const sha = readRunnerReference(await readFile(STARTUP, "utf8"))!.sha256;
  await mkdir(path.join(home, "pipegen", "xtable-runner", sha), { recursive: true });
});
afterEach(() => rm(bin, { recursive: true, force: true }));

async function script(name: string, body: string): Promise<void> {
  await writeFile(path.join(bin, name), body);
  await chmod(path.join(bin, name), 0o755);
}

/** A yum that "installs" Java by putting the fake on PATH, or one that installs nothing. */
async function fakeYum(installs: boolean): Promise<void> {
  const install = installs ? `cat > ${bin}/java <<'JAVA'\n${fakeJava(17)}JAVA\nchmod +x ${bin}/java\n` : "";
  await script("yum", `#!/bin/bash\necho "yum $*" >> ${log}\n${install}`);
}

const run = (component: string) =>
  execa(path.join(bin, "bash"), [STARTUP], {
    env: { PATH: bin, MWAA_AIRFLOW_COMPONENT: component, AIRFLOW_HOME: home },
    extendEnv: false,
    reject: false,
  });

const calls = () => readFile(log, "utf8").catch(() => "");

it("installs nothing on the webserver", async () => {
  await fakeYum(true);
  const r = await run("webserver");
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toBe("pipegen: webserver runs no tasks; nothing to install");
  expect(await calls()).toBe("");
});

it.each(["worker", "scheduler"])("installs headless Corretto 17 on the %s and proves it runs", async (component) => {
  await fakeYum(true);
  const r = await run(component);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(await calls()).toBe(
    "sudo yum install -y -q java-17-amazon-corretto-headless\nyum install -y -q java-17-amazon-corretto-headless\n",
  );
  expect(r.stdout).toContain('openjdk version "17.0.1" (fake)');
});

it("skips the install when Java 17 is already there", async () => {
  await fakeYum(true);
  await script("java", fakeJava(17));
  const r = await run("worker");
  expect(r.exitCode).toBe(0);
  expect(await calls()).toBe("");
});

it("replaces an older Java", async () => {
  await fakeYum(true);
  await script("java", fakeJava(11));
  const r = await run("worker");
  expect(r.exitCode).toBe(0);
  expect(await calls()).toContain("yum install -y -q java-17-amazon-corretto-headless");
});

it("fails loudly when the install leaves no working Java", async () => {
  await fakeYum(false);
  const r = await run("worker");
  expect(r.exitCode).not.toBe(0);
  expect(r.stderr).toBe("pipegen: Java is not usable after installing java-17-amazon-corretto-headless");
});
