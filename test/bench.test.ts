/**
 * The benchmarks stay true. The parse-cost comparison is fair only while its
 * three variants build the same DAGs with the same arguments: the check that
 * says so must catch any difference (a canary proves it against real
 * Airflow).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { checkSameBags, shapeDifferences } from "../bench/parse-cost/equivalence.mjs";
import { type Inputs, prepareInputs } from "../bench/parse-cost/inputs.mjs";
import { ROOT } from "./helpers/cli.js";

describe("parse-cost: comparing what two DagBags hold", () => {
  const dag = (tasks: Record<string, unknown>) => ({ d1: { dag_id: "d1", tasks } });
  const task = { class: "S3KeySensor", upstream: [], wildcard_match: false, timeout: 60 };
  it.each([
    { given: "identical bags", want: dag({ t: task }), got: dag({ t: task }), diffs: [] },
    {
      given: "an argument with another value",
      want: dag({ t: task }),
      got: dag({ t: { ...task, wildcard_match: true } }),
      diffs: [{ path: ["d1", "tasks", "t", "wildcard_match"], want: false, got: true }],
    },
    {
      given: "an argument only one side has",
      want: dag({ t: task }),
      got: dag({ t: { ...task, verbose: true } }),
      diffs: [{ path: ["d1", "tasks", "t", "verbose"], want: undefined, got: true }],
    },
    {
      given: "an edge missing",
      want: dag({ t: { ...task, upstream: ["a", "b"] } }),
      got: dag({ t: { ...task, upstream: ["a"] } }),
      diffs: [{ path: ["d1", "tasks", "t", "upstream"], want: ["a", "b"], got: ["a"] }],
    },
    {
      given: "a nested value (a dict argument)",
      want: dag({ t: { ...task, config: { Name: "x", Opts: [1, 2] } } }),
      got: dag({ t: { ...task, config: { Name: "x", Opts: [1, 3] } } }),
      diffs: [{ path: ["d1", "tasks", "t", "config", "Opts", "1"], want: 2, got: 3 }],
    },
    {
      given: "a task missing",
      want: dag({ t: task, u: task }),
      got: dag({ t: task }),
      diffs: [{ path: ["d1", "tasks", "u"], want: task, got: undefined }],
    },
    {
      given: "a DAG missing",
      want: { ...dag({ t: task }), d2: { dag_id: "d2", tasks: {} } },
      got: dag({ t: task }),
      diffs: [{ path: ["d2"], want: { dag_id: "d2", tasks: {} }, got: undefined }],
    },
    {
      given: "null against absent",
      want: dag({ t: { ...task, execution_timeout: null } }),
      got: dag({ t: task }),
      diffs: [{ path: ["d1", "tasks", "t", "execution_timeout"], want: null, got: undefined }],
    },
  ])("$given", ({ want, got, diffs }) => {
    expect(shapeDifferences(want, got)).toEqual(diffs);
  });
});

/** Replaces exactly one match, so a canary can never silently become a no-op. */
function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`)) ?? [];
  if (matches.length !== 1) throw new Error(`canary: ${pattern} matches ${matches.length} times, not once`);
  return text.replace(pattern, replacement);
}

describe("parse-cost: the equivalence check catches a variant that differs (canary, real Airflow 2.10.3)", () => {
  const VERSION = "2.10.3";
  let dir: string;
  let inputs: Inputs;
  beforeAll(async () => {
    await execa("bash", [`${ROOT}test/python/setup-venvs.sh`, `bench-dagfactory-${VERSION}`], {
      stdout: "inherit",
      stderr: "inherit",
    });
    dir = mkdtempSync(path.join(tmpdir(), "parse-cost-canary-"));
    inputs = prepareInputs({ dir, version: VERSION, n: 2, seed: 42 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports every changed argument and edge of (b) and (c), and nothing else", () => {
    // (c): the bug that once went unnoticed (a trailing slash on the UNLOAD key), and a
    // non-template argument (the sensor's wildcard_match).
    const py = path.join(inputs.folders.handwritten, "orders_0000.py");
    let text = readFileSync(py, "utf8");
    text = replaceOnce(text, /(s3_key="[^"]*)"/, '$1/"');
    const flipped = text.includes("wildcard_match=True") ? "wildcard_match=False" : "wildcard_match=True";
    text = replaceOnce(text, /wildcard_match=(True|False)/, flipped);
    writeFileSync(py, text);
    // (b): a non-template argument of a Redshift task and an edge.
    const yamlFile = path.join(inputs.folders.dagfactory, "configs", "customers_0001.yaml");
    const doc = YAML.parse(readFileSync(yamlFile, "utf8"));
    const tasks = doc.customers_0001.tasks;
    tasks.transform_customers.secret_arn += "-elsewhere";
    expect(tasks.load_customers.dependencies).toHaveLength(1);
    delete tasks.load_customers.dependencies;
    writeFileSync(yamlFile, YAML.stringify(doc, { lineWidth: 0 }));

    let message = "";
    try {
      checkSameBags(VERSION, inputs.folders, 2);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("handwritten differs from pipegen in 2 places:");
    expect(message).toMatch(/orders_0000 › tasks › unload_orders › s3_key: \(a\) "[^"]*" vs \(c\) "[^"]*\/"/);
    expect(message).toMatch(
      /orders_0000 › tasks › wait_for_orders › wildcard_match: \(a\) (true|false) vs \(c\) (true|false)/,
    );
    expect(message).toContain("dagfactory differs from pipegen in 2 places:");
    expect(message).toMatch(
      /customers_0001 › tasks › transform_customers › secret_arn: \(a\) "arn:[^"]*" vs \(b\) "arn:[^"]*-elsewhere"/,
    );
    expect(message).toMatch(/customers_0001 › tasks › load_customers › upstream: \(a\) \["[a-z_]+"\] vs \(b\) \[\]/);
  });
});
