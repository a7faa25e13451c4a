/**
 * The built bin on input a user can produce by accident or on purpose:
 * very large step graphs, deeply nested YAML, symlinked spec folders, and
 * files that are not what they should be. Each gets a result or a clear
 * one-paragraph message with exit 1, never a crash (exit 2).
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipegen, ROOT } from "./helpers/cli.js";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "pipegen-hostile-"));
});
afterEach(() => rm(work, { recursive: true, force: true }));

const HEADER = ['airflowVersion: "2.10.3"', 'schedule: "@daily"', 'startDate: "2024-01-01"'];

/** A spec whose steps are listed downstream first: step i runs after step i + 1. */
function reversedChain(id: string, n: number, cycle = false): string {
  const steps = Array.from({ length: n }, (_, i) => {
    const after = i < n - 1 ? `[s${i + 1}]` : cycle ? "[s0]" : "[]";
    return `  - { id: s${i}, kind: s3Sensor, bucket: landing-bucket, key: k${i}, after: ${after} }`;
  });
  return [`id: ${id}`, ...HEADER, "steps:", ...steps, ""].join("\n");
}

describe("large step graphs", () => {
  it("validates and renders a chain of 6,000 steps listed downstream first", async () => {
    await writeFile(path.join(work, "chain.pipeline.yaml"), reversedChain("chain", 6000));
    const r = await pipegen(["render", "chain.pipeline.yaml", "--out", "dist", "-q"], { cwd: work });
    expect([r.exitCode, r.stderr]).toEqual([0, ""]);
    expect(await readdir(path.join(work, "dist", "dags"))).toContain("chain.py");
  });

  it("reports a cycle through 6,000 steps in one line", async () => {
    await writeFile(path.join(work, "loop.pipeline.yaml"), reversedChain("loop", 6000, true));
    const r = await pipegen(["validate", "loop.pipeline.yaml"], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      "loop.pipeline.yaml:6:71 steps[0].after: steps form a cycle: s0 → s5999 → s5998 → s5997 → s5996 → … → s5 → s4 → s3 → s2 → s1 → s0 (6000 steps) — a DAG cannot loop; remove one of these `after` references",
      "✗ 1 problem in 1 spec file; nothing was written",
    ]);
  });
});

describe("deeply nested specs", () => {
  /** `description:` followed by n nested block mappings. */
  const blockMappings = (n: number) =>
    [
      "id: deep",
      ...HEADER,
      "description:",
      ...Array.from({ length: n }, (_, i) => `${"  ".repeat(i + 1)}k${i}:`),
      `${"  ".repeat(n + 1)}v`,
      "steps: [{ id: a, kind: s3Sensor, bucket: landing-bucket, key: a }]",
      "",
    ].join("\n");

  it.each([
    ["1,000 nested block mappings", blockMappings(1000), "deep.pipeline.yaml:69:129"],
    ["5,000 nested block mappings", blockMappings(5000), "deep.pipeline.yaml:69:129"],
    [
      "20,000 nested flow sequences",
      `id: deep\n${HEADER.join("\n")}\ndescription: ${"[".repeat(20000)}${"]".repeat(20000)}\nsteps: []\n`,
      "deep.pipeline.yaml:5:77",
    ],
  ])("refuses %s at the line where it gets too deep", async (_, text, at) => {
    await writeFile(path.join(work, "deep.pipeline.yaml"), text);
    const r = await pipegen(["validate", "deep.pipeline.yaml"], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      `${at} nests deeper than 64 levels, more than pipegen reads — a spec needs fewer than ten levels: check the indentation and the brackets`,
      "✗ 1 problem in 1 spec file; nothing was written",
    ]);
  });

  it("still reads a spec nested 60 levels deep, and reports what is wrong with it", async () => {
    await writeFile(path.join(work, "deep.pipeline.yaml"), blockMappings(58));
    const r = await pipegen(["validate", "deep.pipeline.yaml"], { cwd: work });
    expect(r.stderr.split("\n")[0]).toBe("deep.pipeline.yaml:6:3 description: expected a string, got a mapping");
  });

  it("refuses a TypeScript spec that builds a value 100,000 levels deep, or one that contains itself", async () => {
    const spec = (body: string, id: string) =>
      `import { definePipeline } from "pipegen";\n${body}\nexport default definePipeline({ id: "${id}", airflowVersion: "2.10.3", schedule: "@daily", startDate: "2024-01-01", description: value, steps: [] } as never);\n`;
    await writeFile(
      path.join(work, "deep.pipeline.ts"),
      spec("let value: unknown = 'x';\nfor (let i = 0; i < 100000; i++) value = { value };", "deep"),
    );
    await writeFile(
      path.join(work, "loop.pipeline.ts"),
      spec("const value: Record<string, unknown> = {};\nvalue.self = value;", "loop"),
    );
    const r = await pipegen(["validate", "deep.pipeline.ts", "loop.pipeline.ts"], { cwd: work });
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.split("\n");
    expect(lines[0]).toMatch(
      /^deep\.pipeline\.ts:4:\d+ description(\.value){64}: nests deeper than 64 levels, more than pipegen reads — a spec needs fewer than ten levels$/,
    );
    expect(lines[1]).toMatch(
      /^loop\.pipeline\.ts:4:\d+ description\.self: contains itself: the value at description\.self is one of the objects it is inside — export plain data/,
    );
  });
});

describe("symbolic links", () => {
  const spec = (dir: string, id: string) =>
    copyFile(`${ROOT}pipelines/sales.pipeline.yaml`, path.join(dir, `${id}.pipeline.yaml`)).then(async () => {
      const file = path.join(dir, `${id}.pipeline.yaml`);
      await writeFile(file, (await readFile(file, "utf8")).replace("id: sales", `id: ${id}`));
    });

  beforeEach(async () => {
    await mkdir(path.join(work, "real"));
    await mkdir(path.join(work, "pipelines"));
    await spec(path.join(work, "real"), "shared_sales");
    await spec(path.join(work, "pipelines"), "sales");
  });

  it("follows a linked spec folder, and a link back up does not loop or list a spec twice", async () => {
    await symlink("../real", path.join(work, "pipelines", "shared"));
    await symlink("..", path.join(work, "pipelines", "up"));
    const r = await pipegen(["validate", "--json", "pipelines"], { cwd: work });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).pipelines.map((p: { file: string }) => p.file)).toEqual([
      "pipelines/sales.pipeline.yaml",
      "pipelines/shared/shared_sales.pipeline.yaml",
    ]);
  });

  it("names a link to nothing that is named like a spec, with where it points", async () => {
    await symlink("gone.pipeline.yaml", path.join(work, "pipelines", "orders.pipeline.yaml"));
    const r = await pipegen(["validate", "pipelines"], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      "pipelines/orders.pipeline.yaml is a symbolic link to gone.pipeline.yaml, which does not exist — point the link at a spec file, or remove it",
      "✗ 1 problem in 1 spec file; nothing was written",
    ]);
    const named = await pipegen(["validate", "pipelines/orders.pipeline.yaml"], { cwd: work });
    expect(named.stderr.split("\n")[0]).toBe(r.stderr.split("\n")[0]);
  });
});

describe("files and paths", () => {
  it("says a binary file is not a text file, instead of printing it", async () => {
    await writeFile(
      path.join(work, "blob.pipeline.yaml"),
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe]),
    );
    await writeFile(path.join(work, "latin1.pipeline.yaml"), Buffer.from("id: caf\xe9\n", "latin1"));
    const r = await pipegen(["validate", "blob.pipeline.yaml", "latin1.pipeline.yaml"], { cwd: work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      "blob.pipeline.yaml is not a text file: a spec is UTF-8 text — check that the path names the spec, not a binary file",
      "latin1.pipeline.yaml is not a text file: a spec is UTF-8 text — check that the path names the spec, not a binary file",
      "✗ 2 problems in 2 spec files; nothing was written",
    ]);
  });

  it("shows paths as the user gave them, absolute ones included", async () => {
    await mkdir(path.join(work, "specs"));
    await writeFile(path.join(work, "specs", "bad.pipeline.yaml"), `id: bad\n${HEADER.join("\n")}\nsteps: []\n`);
    const elsewhere = await mkdtemp(path.join(tmpdir(), "pipegen-cwd-"));
    try {
      for (const [given, shown] of [
        [path.join(work, "specs"), `${work}/specs/bad.pipeline.yaml`],
        [path.join(work, "specs", "bad.pipeline.yaml"), `${work}/specs/bad.pipeline.yaml`],
        [
          `./${path.relative(elsewhere, path.join(work, "specs"))}/`,
          `${path.relative(elsewhere, work)}/specs/bad.pipeline.yaml`,
        ],
      ]) {
        const r = await pipegen(["validate", given!], { cwd: elsewhere });
        expect(r.stderr.split("\n")[0]).toBe(`${shown}:5:8 steps: needs at least 1 item`);
      }
      // The DAG header names the spec relative to the working folder however it was given:
      // a DAG's bytes, which deploy compares, must not depend on that.
      await writeFile(
        path.join(work, "specs", "bad.pipeline.yaml"),
        `id: bad\n${HEADER.join("\n")}\nsteps: [{ id: a, kind: s3Sensor, bucket: landing-bucket, key: a }]\n`,
      );
      for (const given of [path.join(work, "specs"), "specs"]) {
        const r = await pipegen(["render", given, "--out", "dist", "-q"], { cwd: work });
        expect(r.exitCode, r.stderr).toBe(0);
        const header = (await readFile(path.join(work, "dist", "dags", "bad.py"), "utf8")).split("\n")[0];
        expect(header).toBe("# Generated by pipegen from specs/bad.pipeline.yaml — do not edit.");
      }
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});

describe("messages", () => {
  const run = async (name: string, text: string) => {
    await writeFile(path.join(work, name), text);
    return pipegen(["validate", name], { cwd: work });
  };

  it.each([
    [
      "double",
      'id: q\nairflowVersion: "2.10.3"\ndescription: "never closed\nschedule: "@daily"\nsteps: []\n',
      "3:14",
      "double",
    ],
    ["single", 'id: q\nairflowVersion: \'2.10.3\nschedule: "@daily"\nsteps: []\n', "2:17", "single"],
  ])("points at the line where an unclosed %s quote opens, not at the end of the file", async (_, text, at, kind) => {
    const r = await run("q.pipeline.yaml", text);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(
      `q.pipeline.yaml:${at} YAML syntax error: this ${kind} quote is never closed — close the quote on the line where it opens (a quoted YAML string may span lines, so the parser read to the end of the file)`,
    );
  });

  it("says a default export that is a Promise is one, in one message", async () => {
    const r = await run(
      "p.pipeline.ts",
      'import { definePipeline } from "pipegen";\nexport default (async () => definePipeline({ id: "p", airflowVersion: "2.10.3", schedule: "@daily", startDate: "2024-01-01", steps: [] } as never))();\n',
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      expect.stringMatching(
        /^p\.pipeline\.ts:2:\d+ the default export is a Promise — export the pipeline itself: pipegen does not await a spec/,
      ),
      "✗ 1 problem in 1 spec file; nothing was written",
    ]);
  });

  it("applies YAML merge keys, and places problems in merged values where they are written", async () => {
    const r = await run(
      "m.pipeline.yaml",
      [
        "id: m",
        ...HEADER,
        "steps:",
        "  - &sensor",
        "    id: a",
        "    kind: s3Sensor",
        "    bucket: Landing_Bucket",
        "    key: a",
        "  - <<: *sensor",
        "    id: b",
        "    mode: reschedul",
        "",
      ].join("\n"),
    );
    expect(r.stderr.split("\n").map((l) => l.replace(/ — .*/, ""))).toEqual([
      "m.pipeline.yaml:9:13 steps[0].bucket: is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
      "m.pipeline.yaml:9:13 steps[1].bucket: is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
      'm.pipeline.yaml:13:11 steps[1].mode: must be one of "poke", "reschedule", "deferrable"; got "reschedul"',
      "✗ 3 problems in 1 spec file; nothing was written",
    ]);
  });

  it("says in plain words that a file holds two YAML documents", async () => {
    const r = await run("t.pipeline.yaml", "id: t\n---\nid: t2\n");
    expect(r.stderr.split("\n")).toEqual([
      "t.pipeline.yaml:2:1 holds more than one YAML document: a second one starts here — a spec file holds one pipeline: remove the '---' line and what follows, or move it to its own file",
      "✗ 1 problem in 1 spec file; nothing was written",
    ]);
  });
});
