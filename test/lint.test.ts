/**
 * Everything pipegen emits is clean under a pinned ruff (with the Airflow AIR
 * rules) and formatted as `ruff format` would; startup.sh passes shellcheck
 * and `bash -n`.
 */
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { GOLDEN_TARGETS, goldenBundle } from "./helpers/golden.js";
import { venvBin } from "./helpers/python.js";

const RULES = ["E4", "E7", "E9", "F", "I", "B", "UP", "AIR"];

describe.each(GOLDEN_TARGETS)("bundle for Airflow %s", (version) => {
  const bundle = goldenBundle(version);

  it("passes ruff check with the AIR rules", async () => {
    // AIR311 suggests airflow.sdk imports, which do not exist before Airflow 3.
    const ignore = version.startsWith("2.") ? ["--ignore", "AIR311"] : [];
    const r = await execa(venvBin("tools", "ruff"), ["check", "--no-cache", "--preview", "--select", RULES.join(","), ...ignore, "--target-version", "py311", bundle], { reject: false });
    expect(r.stdout + r.stderr).toBe("All checks passed!");
    expect(r.exitCode).toBe(0);
  });

  it("is already formatted", async () => {
    const r = await execa(venvBin("tools", "ruff"), ["format", "--no-cache", "--check", bundle], { reject: false });
    expect(r.exitCode, r.stdout).toBe(0);
  });

  it("has a startup.sh that passes shellcheck and bash -n", async () => {
    const shellcheck = await execa(venvBin("tools", "shellcheck"), ["--severity=style", `${bundle}/startup.sh`], { reject: false });
    expect(shellcheck.stdout).toBe("");
    expect(shellcheck.exitCode).toBe(0);
    expect((await execa("bash", ["-n", `${bundle}/startup.sh`], { reject: false })).exitCode).toBe(0);
  });
});
