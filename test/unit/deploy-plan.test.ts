/** The pure parts of deploy: upload classes, the plan, retry classification, environment inputs, waiting, progress. */
import type { MWAAClient } from "@aws-sdk/client-mwaa";
import { describe, expect, it } from "vitest";
import { type BundleFile, sha256Hex, uploadClassOf } from "../../src/deploy/bundle.js";
import { type EnvironmentInfo, updateInputFor, waitForUpdate } from "../../src/deploy/environment.js";
import type { Manifest } from "../../src/deploy/manifest.js";
import { buildPlan, keysToHead, type PlanInput } from "../../src/deploy/plan.js";
import { terminalProgress } from "../../src/deploy/progress.js";
import type { HeadResult, RemoteObject } from "../../src/deploy/remote.js";
import { DEFAULT_RETRY_POLICY, isTransient, RetriesExhausted, withRetry } from "../../src/deploy/retry.js";

describe("uploadClassOf", () => {
  it.each([
    ["startup.sh", 1],
    ["plugins.zip", 1],
    ["runner/lib/xtable-core.jar", 1],
    [`xtable-runner/${"a".repeat(64)}.zip`, 1],
    ["README.md", 1],
    ["requirements.txt", 2],
    ["dags/pipegen_xtable/__init__.py", 2],
    ["dags/pipegen_xtable/operator.py", 2],
    ["dags/sql/products.sql", 2],
    ["dags/constraints-3.11.txt", 2],
    ["dags/products.py", 3],
    ["dags/zipped_dags.zip", 3],
    ["dags/.airflowignore", 4],
  ] as const)("%s is class %i", (p, want) => expect(uploadClassOf(p)).toBe(want));
});

const file = (p: string, content: string): BundleFile => {
  const body = Buffer.from(content);
  return { path: p, body, sha256: sha256Hex(body), size: body.length, uploadClass: uploadClassOf(p) };
};
const etag = (content: string) => `"etag-${content}"`;
const managedFor = (f: BundleFile, content: string, versionId = `v-${f.path}`) => ({
  sha256: f.sha256,
  etag: etag(content),
  versionId,
  size: f.size,
});

const dag = file("dags/a.py", "A");
const req = file("requirements.txt", "R");
const bundle = [dag, req];

function input(over: Partial<PlanInput>): PlanInput {
  return {
    bundle,
    manifest: undefined,
    remote: new Map(),
    heads: new Map(),
    prune: false,
    environment: undefined,
    ...over,
  };
}

function manifestWith(objects: Manifest["objects"], environments: Manifest["environments"] = {}): Manifest {
  return { format: "pipegen-deploy-manifest/1", deployId: "x", deployedAt: "", tool: "", objects, environments };
}

describe("buildPlan", () => {
  it("adds everything on a first deploy, and the environment must be updated", () => {
    const plan = buildPlan(input({ environment: "env" }));
    expect(plan.files.map((f) => [f.file.path, f.action, f.reason])).toEqual([
      ["dags/a.py", "add", "new"],
      ["requirements.txt", "add", "new"],
    ]);
    expect(plan.environment).toEqual({ name: "env", action: "update", reasons: ["requirements.txt added"] });
  });

  it("trusts the manifest when the bucket still has the recorded ETag: no HEAD, no upload", () => {
    const manifest = manifestWith(
      { "dags/a.py": managedFor(dag, "A"), "requirements.txt": managedFor(req, "R") },
      {
        env: { versions: { "requirements.txt": "v-requirements.txt" }, confirmed: true },
      },
    );
    const remote = new Map<string, RemoteObject>([
      ["dags/a.py", { etag: etag("A"), size: 1 }],
      ["requirements.txt", { etag: etag("R"), size: 1 }],
    ]);
    expect(keysToHead(bundle, manifest, remote)).toEqual([]);
    const plan = buildPlan(input({ manifest, remote, environment: "env" }));
    expect(plan.files.map((f) => f.action)).toEqual(["unchanged", "unchanged"]);
    expect(plan.environment.action).toBe("none");
  });

  it("changes a file whose hash differs, and one that someone changed in the bucket", () => {
    const old = file("dags/a.py", "old");
    const manifest = manifestWith({ "dags/a.py": managedFor(old, "old"), "requirements.txt": managedFor(req, "R") });
    const remote = new Map<string, RemoteObject>([
      ["dags/a.py", { etag: etag("old"), size: 3 }],
      ["requirements.txt", { etag: '"edited-in-console"', size: 9 }],
    ]);
    expect(keysToHead(bundle, manifest, remote)).toEqual(["requirements.txt"]);
    const heads = new Map<string, HeadResult | undefined>([
      ["requirements.txt", { sha256: undefined, versionId: "v9", etag: '"edited-in-console"', size: 9 }],
    ]);
    const plan = buildPlan(input({ manifest, remote, heads }));
    expect(plan.files.map((f) => [f.file.path, f.action, f.reason])).toEqual([
      ["dags/a.py", "change", "content changed"],
      ["requirements.txt", "change", "changed outside pipegen"],
    ]);
  });

  it("adopts what an interrupted deploy uploaded (recognised by the SHA-256 in its metadata), and replaces objects pipegen never wrote", () => {
    const remote = new Map<string, RemoteObject>([
      ["dags/a.py", { etag: etag("A"), size: 1 }],
      ["requirements.txt", { etag: '"theirs"', size: 5 }],
    ]);
    const heads = new Map<string, HeadResult | undefined>([
      ["dags/a.py", { sha256: dag.sha256, versionId: "v1", etag: etag("A"), size: 1 }],
      ["requirements.txt", { sha256: undefined, versionId: "v2", etag: '"theirs"', size: 5 }],
    ]);
    const plan = buildPlan(input({ remote, heads }));
    expect(plan.files.map((f) => [f.file.path, f.action, f.reason])).toEqual([
      ["dags/a.py", "unchanged", undefined],
      ["requirements.txt", "change", "replaces an object pipegen did not write"],
    ]);
    expect(plan.managed["dags/a.py"]).toEqual({ sha256: dag.sha256, etag: etag("A"), versionId: "v1", size: 1 });
  });

  it("prunes only managed objects still as pipegen wrote them, never environment files, and only with --prune", () => {
    const gone = file("dags/gone.py", "G");
    const startup = file("startup.sh", "S");
    const edited = file("dags/edited.py", "E");
    const manifest = manifestWith({
      "dags/a.py": managedFor(dag, "A"),
      "requirements.txt": managedFor(req, "R"),
      "dags/gone.py": managedFor(gone, "G"),
      "startup.sh": managedFor(startup, "S"),
      "dags/edited.py": managedFor(edited, "E"),
      "dags/deleted.py": managedFor(file("dags/deleted.py", "D"), "D"),
    });
    const remote = new Map<string, RemoteObject>([
      ["dags/a.py", { etag: etag("A"), size: 1 }],
      ["requirements.txt", { etag: etag("R"), size: 1 }],
      ["dags/gone.py", { etag: etag("G"), size: 1 }],
      ["startup.sh", { etag: etag("S"), size: 1 }],
      ["dags/edited.py", { etag: '"someone else"', size: 1 }],
      ["dags/not_ours.py", { etag: '"x"', size: 1 }],
    ]);
    const pruned = buildPlan(input({ manifest, remote, prune: true }));
    expect(pruned.stale.map((s) => [s.path, s.action])).toEqual([
      ["dags/gone.py", "delete"],
      ["startup.sh", "keep"],
    ]);
    expect(pruned.released).toEqual([
      { path: "dags/edited.py", reason: "was changed outside pipegen, so pipegen no longer manages it" },
      { path: "dags/deleted.py", reason: "was deleted outside pipegen" },
    ]);
    const kept = buildPlan(input({ manifest, remote, prune: false }));
    expect(kept.stale.map((s) => [s.path, s.action, s.reason])).toEqual([
      ["dags/gone.py", "keep", "no longer in the bundle; --prune deletes it"],
      ["startup.sh", "keep", "no longer in the bundle, but the environment may still use it; never pruned"],
    ]);
  });

  it("never prunes a runner archive that a deployed startup.sh fetches; prunes the others with --prune", () => {
    const named = file(`xtable-runner/${"1".repeat(64)}.zip`, "old runner");
    const unnamed = file(`xtable-runner/${"2".repeat(64)}.zip`, "older runner");
    const manifest = manifestWith({
      "dags/a.py": managedFor(dag, "A"),
      "requirements.txt": managedFor(req, "R"),
      [named.path]: managedFor(named, "N"),
      [unnamed.path]: managedFor(unnamed, "U"),
    });
    const remote = new Map<string, RemoteObject>([
      ["dags/a.py", { etag: etag("A"), size: 1 }],
      ["requirements.txt", { etag: etag("R"), size: 1 }],
      [named.path, { etag: etag("N"), size: 10 }],
      [unnamed.path, { etag: etag("U"), size: 12 }],
    ]);
    const runnersInUse = new Set([named.path]);
    expect(
      buildPlan(input({ manifest, remote, prune: true, runnersInUse })).stale.map((s) => [s.path, s.action, s.reason]),
    ).toEqual([
      [named.path, "keep", "a deployed startup.sh fetches this XTable runner; never pruned while one does"],
      [unnamed.path, "delete", "no longer in the bundle"],
    ]);
    expect(
      buildPlan(input({ manifest, remote, prune: false, runnersInUse })).stale.map((s) => [s.path, s.action]),
    ).toEqual([
      [named.path, "keep"],
      [unnamed.path, "keep"],
    ]);
  });

  it.each([
    ["no record of this environment", {}, "check"],
    [
      "applied and confirmed",
      { env: { versions: { "requirements.txt": "v-requirements.txt" }, confirmed: true } },
      "none",
    ],
    [
      "requested without --wait",
      { env: { versions: { "requirements.txt": "v-requirements.txt" }, confirmed: false } },
      "check",
    ],
    [
      "an older version was applied",
      { env: { versions: { "requirements.txt": "v-older" }, confirmed: true } },
      "update",
    ],
  ] as const)("environment with unchanged files, %s: %s", (_, environments, action) => {
    const manifest = manifestWith(
      { "dags/a.py": managedFor(dag, "A"), "requirements.txt": managedFor(req, "R") },
      environments,
    );
    const remote = new Map<string, RemoteObject>([
      ["dags/a.py", { etag: etag("A"), size: 1 }],
      ["requirements.txt", { etag: etag("R"), size: 1 }],
    ]);
    expect(buildPlan(input({ manifest, remote, environment: "env" })).environment.action).toBe(action);
  });
});

describe("isTransient", () => {
  const aws = (name: string, status: number, extra: object = {}) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });
  it.each([
    [aws("SlowDown", 503), true],
    [aws("InternalError", 500), true],
    [aws("ServiceUnavailable", 503), true],
    [aws("ThrottlingException", 400), true],
    [aws("RequestTimeout", 400), true],
    [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), true],
    [Object.assign(new Error("read ECONNRESET"), { name: "Error" }), true],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), true],
    [aws("AccessDenied", 403), false],
    [aws("NoSuchBucket", 404), false],
    [aws("PreconditionFailed", 412), false],
    [aws("ValidationException", 400), false],
    [new Error("Region is missing"), false],
  ])("%s → %s", (error, want) => expect(isTransient(error)).toBe(want));
});

describe("withRetry", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, retries: 2, sleep: async () => {}, random: () => 0.5 };
  it("retries transient failures and returns the first success", async () => {
    let calls = 0;
    const retried: number[] = [];
    const r = await withRetry(
      async () => {
        if (++calls < 3)
          throw Object.assign(new Error("slow"), { name: "SlowDown", $metadata: { httpStatusCode: 503 } });
        return "ok";
      },
      policy,
      (_, attempt) => retried.push(attempt),
    );
    expect([r, calls, retried]).toEqual(["ok", 3, [1, 2]]);
  });

  it("gives up after the retries, saying how often it tried", async () => {
    const error = await withRetry(
      () =>
        Promise.reject(
          Object.assign(new Error("Please reduce your request rate."), {
            name: "SlowDown",
            $metadata: { httpStatusCode: 503 },
          }),
        ),
      policy,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect((error as Error).message).toBe("SlowDown (HTTP 503): Please reduce your request rate. (3 attempts)");
  });

  it("does not retry a permanent failure", async () => {
    let calls = 0;
    await expect(
      withRetry(() => {
        calls++;
        return Promise.reject(
          Object.assign(new Error("denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }),
        );
      }, policy),
    ).rejects.toThrow("denied");
    expect(calls).toBe(1);
  });

  it("backs off exponentially with full jitter, capped", async () => {
    const delays: number[] = [];
    await withRetry(
      () => Promise.reject(Object.assign(new Error(), { name: "InternalError", $metadata: { httpStatusCode: 500 } })),
      {
        ...policy,
        retries: 6,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        random: () => 1,
        sleep: async (ms) => void delays.push(ms),
      },
    ).catch(() => undefined);
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

function envInfo(over: Partial<EnvironmentInfo> = {}): EnvironmentInfo {
  return {
    name: "prod",
    status: "AVAILABLE",
    sourceBucketArn: "arn:aws:s3:::bucket",
    dagS3Path: "dags",
    files: {
      "requirements.txt": { path: "requirements.txt", version: "v1" },
      "startup.sh": { path: undefined, version: undefined },
    },
    lastUpdate: undefined,
    ...over,
  };
}

describe("updateInputFor", () => {
  it.each([
    [{ "requirements.txt": "v1" }, undefined],
    [
      { "requirements.txt": "v2" },
      { Name: "prod", RequirementsS3Path: "requirements.txt", RequirementsS3ObjectVersion: "v2" },
    ],
    [
      { "requirements.txt": "v1", "startup.sh": "s1" },
      { Name: "prod", StartupScriptS3Path: "startup.sh", StartupScriptS3ObjectVersion: "s1" },
    ],
  ])("desired %j → %j", (desired, want) => expect(updateInputFor(envInfo(), "", desired)).toEqual(want));

  it("names the prefixed path when the bucket is shared", () => {
    expect(updateInputFor(envInfo(), "team/", { "requirements.txt": "v1" })).toEqual({
      Name: "prod",
      RequirementsS3Path: "team/requirements.txt",
      RequirementsS3ObjectVersion: "v1",
    });
  });
});

describe("waitForUpdate", () => {
  const fakeMwaa = (states: object[]) => {
    let i = 0;
    return {
      send: async () => ({ Environment: { Name: "prod", ...states[Math.min(i++, states.length - 1)] } }),
    } as unknown as MWAAClient;
  };
  const opts = { intervalMs: 1, timeoutMs: 10_000, sleep: async () => {}, now: () => 1_000_000 };
  const policy = { ...DEFAULT_RETRY_POLICY, sleep: async () => {} };
  const old = new Date(1_000_000 - 3_600_000);

  it("ignores the stale AVAILABLE right after the call, then succeeds", async () => {
    const mwaa = fakeMwaa([
      { Status: "AVAILABLE", LastUpdate: { Status: "SUCCESS", CreatedAt: old } },
      { Status: "UPDATING", LastUpdate: { Status: "PENDING", CreatedAt: new Date(1_000_000) } },
      { Status: "AVAILABLE", LastUpdate: { Status: "SUCCESS", CreatedAt: new Date(1_000_000) } },
    ]);
    expect((await waitForUpdate(mwaa, "prod", 1_000_000, policy, opts)).ok).toBe(true);
  });

  it("reports a rolled-back update with MWAA's error", async () => {
    const mwaa = fakeMwaa([
      { Status: "UPDATING" },
      { Status: "ROLLING_BACK" },
      {
        Status: "AVAILABLE",
        LastUpdate: {
          Status: "FAILED",
          CreatedAt: new Date(1_000_000),
          Error: { ErrorCode: "RequirementsInstallFailed", ErrorMessage: "pip failed" },
        },
      },
    ]);
    expect(await waitForUpdate(mwaa, "prod", 1_000_000, policy, opts)).toEqual({
      ok: false,
      status: "AVAILABLE",
      reason: "the update failed and MWAA rolled it back (RequirementsInstallFailed: pip failed)",
    });
  });

  it("stops at UPDATE_FAILED, and at the timeout", async () => {
    expect(await waitForUpdate(fakeMwaa([{ Status: "UPDATE_FAILED" }]), "prod", 1_000_000, policy, opts)).toMatchObject(
      { ok: false, reason: "the environment is UPDATE_FAILED" },
    );
    let t = 0;
    const r = await waitForUpdate(fakeMwaa([{ Status: "UPDATING" }]), "prod", 0, policy, {
      ...opts,
      timeoutMs: 120_000,
      now: () => (t += 30_000),
    });
    expect(r).toEqual({ ok: false, status: "UPDATING", reason: "still UPDATING after 2 minutes (--wait-timeout)" });
  });
});

describe("terminalProgress", () => {
  it("draws one line on a terminal and erases it at the end", () => {
    const writes: string[] = [];
    let t = 0;
    const p = terminalProgress({ isTTY: true, columns: 80, write: (s) => writes.push(s) > 0 }, () => (t += 1000));
    p.phase("DAG files", 2, 2048);
    p.bytes(1024);
    p.fileDone();
    p.bytes(1024);
    p.fileDone();
    p.end();
    expect(writes).toEqual([
      "\r\x1b[2KDAG files: 0/2 files, 0 B of 2.0 KiB",
      "\r\x1b[2KDAG files: 0/2 files, 1.0 KiB of 2.0 KiB",
      "\r\x1b[2KDAG files: 1/2 files, 1.0 KiB of 2.0 KiB",
      "\r\x1b[2KDAG files: 1/2 files, 2.0 KiB of 2.0 KiB",
      "\r\x1b[2KDAG files: 2/2 files, 2.0 KiB of 2.0 KiB",
      "\r\x1b[2K",
    ]);
  });

  it("prints nothing when the stream is not a terminal", () => {
    const writes: string[] = [];
    const p = terminalProgress({ isTTY: false, write: (s) => writes.push(s) > 0 });
    p.phase("DAG files", 1, 1);
    p.fileDone();
    p.end();
    expect(writes).toEqual([]);
  });
});
