/**
 * The examples rendered byte for byte. The stored bundles are real files,
 * checked further by real Airflow, ruff and pytest in other tests.
 * Run with UPDATE_GOLDEN=1 to rewrite them after an intended change.
 */
import { describe, expect, it } from "vitest";
import { renderPipelines } from "../src/pipeline-run.js";
import { diffBundle } from "../src/write/index.js";
import { ROOT } from "./helpers/cli.js";
import {
  EXAMPLE_ENVIRONMENTS,
  EXAMPLE_PROJECT,
  exampleBundle,
  GOLDEN_TARGETS,
  goldenBundle,
  writeGolden,
} from "./helpers/golden.js";

describe.each(GOLDEN_TARGETS)("golden bundle for Airflow %s", (version) => {
  it("matches what the examples render to", async () => {
    const files = await renderPipelines({ cwd: ROOT, airflowVersion: version });
    if (process.env.UPDATE_GOLDEN) await writeGolden(goldenBundle(version), files, "bundle");
    const { changes } = await diffBundle(goldenBundle(version), files);
    expect(changes).toEqual([]);
  });

  it("renders identically twice (deterministic)", async () => {
    const [a, b] = await Promise.all([
      renderPipelines({ cwd: ROOT, airflowVersion: version }),
      renderPipelines({ cwd: ROOT, airflowVersion: version }),
    ]);
    expect(a).toEqual(b);
  });
});

describe.each(EXAMPLE_ENVIRONMENTS.flatMap((env) => GOLDEN_TARGETS.map((v) => [env, v] as const)))(
  "golden bundle of examples/clickstream for --env %s and Airflow %s",
  (env, version) => {
    const render = () => renderPipelines({ cwd: EXAMPLE_PROJECT, airflowVersion: version, env });

    it("matches what the example project renders to", async () => {
      const files = await render();
      if (process.env.UPDATE_GOLDEN) await writeGolden(exampleBundle(env, version), files, "bundle");
      const { changes } = await diffBundle(exampleBundle(env, version), files);
      expect(changes).toEqual([]);
    });

    it("renders identically twice (deterministic)", async () => {
      const [a, b] = await Promise.all([render(), render()]);
      expect(a).toEqual(b);
    });
  },
);
