/**
 * Everything pipegen emits is clean under a pinned ruff (with the Airflow AIR
 * rules) and formatted as `ruff format` would; startup.sh passes shellcheck
 * and `bash -n`; the workflow `pipegen init` writes passes actionlint.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { initProjectFiles } from "../src/init/index.js";
import { ROOT } from "./helpers/cli.js";
import { GOLDEN_BUNDLES } from "./helpers/golden.js";
import { venvBin } from "./helpers/python.js";

const RULES = ["E4", "E7", "E9", "F", "I", "B", "UP", "AIR"];

describe.each(GOLDEN_BUNDLES)("bundle of %s", (label, bundle, version) => {
  it("passes ruff check with the AIR rules", async () => {
    // AIR311 and AIR321 suggest airflow.sdk imports, which do not exist before Airflow 3.
    const ignore = version.startsWith("2.") ? ["--ignore", "AIR311,AIR321"] : [];
    const r = await execa(
      venvBin("tools", "ruff"),
      ["check", "--no-cache", "--preview", "--select", RULES.join(","), ...ignore, "--target-version", "py311", bundle],
      { reject: false },
    );
    expect(r.stdout + r.stderr).toBe("All checks passed!");
    expect(r.exitCode).toBe(0);
  });

  it("passes ruff check with ruff's own default rules", async () => {
    const r = await execa(venvBin("tools", "ruff"), ["check", "--no-cache", "--isolated", bundle], { reject: false });
    expect(r.stdout + r.stderr).toBe("All checks passed!");
    expect(r.exitCode).toBe(0);
  });

  it("is already formatted", async () => {
    const r = await execa(venvBin("tools", "ruff"), ["format", "--no-cache", "--check", bundle], { reject: false });
    expect(r.exitCode, r.stdout).toBe(0);
  });

  // The example project has no xtable step, so no startup.sh.
  it.runIf(label.startsWith("pipelines/"))("has a startup.sh that passes shellcheck and bash -n", async () => {
    const shellcheck = await execa(venvBin("tools", "shellcheck"), ["--severity=style", `${bundle}/startup.sh`], {
      reject: false,
    });
    expect(shellcheck.stdout).toBe("");
    expect(shellcheck.exitCode).toBe(0);
    expect((await execa("bash", ["-n", `${bundle}/startup.sh`], { reject: false })).exitCode).toBe(0);
  });
});

describe("the GitHub Actions workflow that pipegen init writes", () => {
  /** actionlint's findings for a workflow file, its `run:` steps checked by the pinned shellcheck. */
  async function actionlint(workflow: string): Promise<{ exitCode: number | undefined; output: string }> {
    const dir = await mkdtemp(path.join(tmpdir(), "pipegen-actionlint-"));
    try {
      const file = path.join(dir, "mwaa.yml");
      await writeFile(file, workflow);
      const r = await execa(
        `${ROOT}.cache/bin/actionlint`,
        ["-shellcheck", venvBin("tools", "shellcheck"), "-no-color", file],
        { reject: false },
      );
      return { exitCode: r.exitCode, output: (r.stdout + r.stderr).replaceAll(`${dir}/`, "") };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const workflow = initProjectFiles({ name: "x", pipegenVersion: "0.1.0" }).find(
    (f) => f.path === ".github/workflows/mwaa.yml",
  )!.content;

  it("passes actionlint, run: steps included", async () => {
    expect(await actionlint(workflow)).toEqual({ exitCode: 0, output: "" });
  });

  it("would be caught by actionlint if it asked for a permission that does not exist", async () => {
    const broken = await actionlint(workflow.replace("id-token: write", "id-tokens: write"));
    expect(broken.exitCode).toBe(1);
    expect(broken.output).toContain('unknown permission scope "id-tokens"');
  });
});
