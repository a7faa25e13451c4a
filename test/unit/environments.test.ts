/**
 * Environment profiles: the project config's environments and values, the
 * `${env.<name>}` references of specs and the `env` object of TypeScript
 * specs. Given a config and specs, want exactly these values or problems.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatProblem, SpecError, UserError } from "../../src/errors.js";
import {
  EnvAccessError,
  type EnvironmentChoice,
  envObject,
  readSubstitutions,
  substituteEnvironment,
} from "../../src/load/environment.js";
import { formatPath, type LoadedSpec } from "../../src/load/index.js";
import { validateEveryEnvironment, validatePipelines } from "../../src/pipeline-run.js";
import { loadProjectConfig } from "../../src/validate/config.js";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), "pipegen-env-"));
  await mkdir(path.join(cwd, "pipelines"));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

const write = (name: string, text: string) => writeFile(path.join(cwd, name), text);

/** Every problem a run throws, formatted as the bin prints them; [] when it passes. */
async function problems(run: Promise<unknown>): Promise<string[]> {
  try {
    await run;
    return [];
  } catch (error) {
    if (error instanceof SpecError) return error.problems.map(formatProblem);
    if (error instanceof UserError) return [error.message];
    throw error;
  }
}

const CONFIG = `values:
  workers: 2
environments:
  dev:
    values:
      landing: landing-dev
      secret: arn:aws:secretsmanager:us-east-1:111122223333:secret:dev-AbCdEf
  prod:
    values:
      landing: landing-prod
      secret: arn:aws:secretsmanager:us-east-1:444455556666:secret:prod-AbCdEf
      workers: 10
`;

const SPEC = (steps: string, top = "") => `id: demo
airflowVersion: "2.10.3"
schedule: "@daily"
startDate: "2024-01-01"
${top}steps:
${steps}`;

const SENSOR = `  - id: wait
    kind: s3Sensor
    bucket: \${env.landing}
    key: in/\${env.landing}/\${DATE}.csv
`;

describe("the project config", () => {
  it.each<[string, string, string[]]>([
    ["a valid config", CONFIG, []],
    [
      "a value set for one environment only",
      "environments:\n  dev:\n    values: { landing: a-dev, extra: 1 }\n  prod:\n    values: { landing: a-prod }\n",
      [
        'pipegen.config.yaml:3:38 environments.dev.values.extra: is set for dev only; prod has no value "extra" — set extra in environments.prod.values too, or in the top-level values as the default of every environment',
      ],
    ],
    [
      "a value missing from two of three environments",
      "environments:\n  dev: {}\n  staging: {}\n  prod:\n    values:\n      landing: x\n",
      [
        'pipegen.config.yaml:6:16 environments.prod.values.landing: is set for prod only; dev and staging have no value "landing" — set landing in environments.dev.values and environments.staging.values too, or in the top-level values as the default of every environment',
      ],
    ],
    [
      "a value that is not set",
      "environments:\n  dev:\n    values:\n      landing:\n",
      ["pipegen.config.yaml:4:15 environments.dev.values.landing: is not set"],
    ],
    [
      "a value that is a list",
      "environments:\n  dev:\n    values:\n      landing: [a, b]\n",
      ["pipegen.config.yaml:4:16 environments.dev.values.landing: must be text, a number or true/false"],
    ],
    [
      "a value name a spec cannot write",
      "environments:\n  dev:\n    values:\n      landing-bucket: a\n",
      [
        "pipegen.config.yaml:4:7 environments.dev.values.landing-bucket: must be a name of letters, digits and '_' that starts with a letter, so that specs can write ${env.<name>}",
      ],
    ],
    [
      "an environment name --env cannot take",
      "environments:\n  Prod: {}\n",
      [
        "pipegen.config.yaml:2:3 environments.Prod: must be an environment name (lowercase letters, digits, '-', '_'; starts with a letter)",
      ],
    ],
    [
      "shared values without environments",
      "values:\n  a: 1\n",
      [
        "pipegen.config.yaml:2:3 values: are values for environments, but the config declares none — declare them: environments: { dev: {}, prod: {} }, each with the values it changes",
      ],
    ],
    [
      "a value that reads another",
      "environments:\n  dev:\n    values:\n      a: x\n      b: ${env.a}/y\n",
      [
        "pipegen.config.yaml:5:10 environments.dev.values.b: reads another value: values are inserted as they are, never expanded — write the value out",
      ],
    ],
    [
      "a credential",
      "environments:\n  dev:\n    values:\n      dbPassword: hunter2\n",
      [
        'pipegen.config.yaml:4:19 environments.dev.values.dbPassword: looks like a secret in a field named "dbPassword" — the config must not carry credentials either: store the secret in AWS Secrets Manager and give its ARN (e.g. connections.redshift.secretArn), or keep it in an Airflow connection and give the connection id',
      ],
    ],
    [
      "a misspelled section",
      "enviroments:\n  dev: {}\n",
      ['pipegen.config.yaml:1:1 enviroments: unknown key "enviroments" — did you mean "environments"?'],
    ],
    [
      "an unknown key in an environment",
      "environments:\n  dev:\n    settings: {}\n",
      ['pipegen.config.yaml:3:5 environments.dev.settings: unknown key "settings" — known keys: values, deploy'],
    ],
    [
      "an environment's deploy account",
      "environments:\n  dev:\n    deploy: { account: '1234' }\n",
      ["pipegen.config.yaml:3:24 environments.dev.deploy.account: must be a 12-digit AWS account id"],
    ],
  ])("%s", async (_, text, want) => {
    await write("pipegen.config.yaml", text);
    expect(await problems(loadProjectConfig(cwd))).toEqual(want);
  });

  it("is one file: two config files are refused", async () => {
    await write("pipegen.config.yaml", "");
    await write("pipegen.config.ts", "export default {};");
    expect(await problems(loadProjectConfig(cwd))).toEqual([
      "pipegen.config.yaml and pipegen.config.ts are both config files; pipegen reads one: merge them into one file and remove the other",
    ]);
  });

  it("may be TypeScript, and an empty YAML file is an empty config", async () => {
    await write(
      "pipegen.config.ts",
      'import { defineConfig } from "pipegen";\nexport default defineConfig({ environments: { dev: { values: { n: 1 } } } });\n',
    );
    const config = await loadProjectConfig(cwd);
    expect([...config!.environments.get("dev")!.values]).toEqual([
      ["n", { value: 1, setAt: "pipegen.config.ts:2:67" }],
    ]);
    await rm(path.join(cwd, "pipegen.config.ts"));
    await write("pipegen.config.yaml", "# nothing yet\n");
    expect((await loadProjectConfig(cwd))!.environments.size).toBe(0);
  });
});

describe("${env.<name>} in specs", () => {
  const loaded = (data: unknown): LoadedSpec => ({
    file: "pipelines/demo.pipeline.yaml",
    data,
    locate: () => ({ line: 1, column: 1 }),
  });
  const prod: EnvironmentChoice = {
    selected: {
      name: "prod",
      values: new Map([
        ["bucket", { value: "landing-prod", setAt: "pipegen.config.yaml:9:15" }],
        ["workers", { value: 10, setAt: "pipegen.config.yaml:10:16" }],
        ["strict", { value: true, setAt: "pipegen.config.yaml:11:15" }],
      ]),
    },
    declared: ["dev", "prod"],
    configFile: "pipegen.config.yaml",
  };

  it.each<[string, unknown, unknown]>([
    ["a whole string takes the value and its type", { n: "${env.workers}", b: "${env.strict}" }, { n: 10, b: true }],
    [
      "inside a string, the value's text",
      { key: "a/${env.bucket}/${env.workers}/${DATE}" },
      {
        key: "a/landing-prod/10/${DATE}",
      },
    ],
    [
      "in lists and nested objects",
      { steps: [{ args: { "--x": "${env.bucket}" } }] },
      {
        steps: [{ args: { "--x": "landing-prod" } }],
      },
    ],
    [
      "an operator argument or a template config key named like a fixed key is a value like any other",
      { steps: [{ arguments: { id: "${env.bucket}" }, with: { kind: "${env.bucket}" } }] },
      { steps: [{ arguments: { id: "landing-prod" }, with: { kind: "landing-prod" } }] },
    ],
    ["a value is inserted once, never read again", { a: "$${env.bucket}}" }, { a: "$landing-prod}" }],
    ["no reference, no change", { a: "${DATE}", b: 1 }, { a: "${DATE}", b: 1 }],
  ])("%s", (_, data, want) => {
    const result = substituteEnvironment(loaded(data), prod);
    expect(Array.isArray(result) ? result : result.spec.data).toEqual(want);
  });

  it.each<[string, unknown, EnvironmentChoice, string[]]>([
    [
      "a name the config does not declare",
      { bucket: "${env.buckett}" },
      prod,
      ["bucket: reads env.buckett, which pipegen.config.yaml does not declare — did you mean env.bucket?"],
    ],
    [
      "a malformed name",
      { bucket: "${env.my-bucket}" },
      prod,
      [
        "bucket: ${env.my-bucket} is not a reference: a value's name is letters, digits and '_', starting with a letter — write ${env.<name>} with a name the config declares",
      ],
    ],
    [
      "an id, a kind or an edge",
      { id: "${env.bucket}", steps: [{ kind: "${env.bucket}", after: ["${env.bucket}"] }] },
      prod,
      [
        "id: cannot read an environment value: id is the same in every environment — write it out; environment values may stand anywhere else",
        "steps[0].kind: cannot read an environment value: kind is the same in every environment — write it out; environment values may stand anywhere else",
        "steps[0].after[0]: cannot read an environment value: after is the same in every environment — write it out; environment values may stand anywhere else",
      ],
    ],
    [
      "a template's use, and a group's id",
      { steps: [{ id: "a", use: "${env.bucket}" }], groups: [{ id: "${env.bucket}" }] },
      prod,
      [
        "steps[0].use: cannot read an environment value: use is the same in every environment — write it out; environment values may stand anywhere else",
        "groups[0].id: cannot read an environment value: id is the same in every environment — write it out; environment values may stand anywhere else",
      ],
    ],
    [
      "a key",
      { args: { "--${env.bucket}": "x" } },
      prod,
      [
        "args.--${env.bucket}: is a key that reads an environment value; keys are the same in every environment — write the key out; use ${env.<name>} in values",
      ],
    ],
    [
      "no environment given",
      { bucket: "${env.bucket}" },
      { ...prod, selected: undefined },
      ["bucket: reads env.bucket, but no environment was given — pass --env with one of dev, prod"],
    ],
    [
      "no config",
      { bucket: "${env.bucket}" },
      { selected: undefined, declared: [], configFile: undefined },
      [
        "bucket: reads env.bucket, but there is no pipegen.config file to declare environments — declare the environments and their values in pipegen.config.yaml (or .ts): environments: { dev: { values: { ... } }, prod: { values: { ... } } }",
      ],
    ],
  ])("%s is a located problem", (_, data, choice, want) => {
    const result = substituteEnvironment(loaded(data), choice);
    expect(
      Array.isArray(result) ? result.map((p) => formatProblem({ ...p, line: 0 }).replace(/^\S+ /, "")) : [],
    ).toEqual(want);
  });
});

describe("the env object of a TypeScript spec", () => {
  it("holds the values, and throws for a name it lacks", () => {
    const env = envObject({
      selected: { name: "dev", values: new Map([["bucket", { value: "b", setAt: "x:1:1" }]]) },
      declared: ["dev"],
      configFile: "pipegen.config.ts",
    });
    expect({ ...env }).toEqual({ bucket: "b" });
    expect(JSON.stringify(env)).toBe('{"bucket":"b"}');
    expect(() => env.buckt).toThrow(EnvAccessError);
    expect(() => env.buckt).toThrow("reads env.buckt, which pipegen.config.ts does not declare");
  });
});

describe("the values a TypeScript spec read, found where they landed", () => {
  const choice: EnvironmentChoice = {
    selected: {
      name: "prod",
      values: new Map([
        ["lake", { value: "Clicks_Lake", setAt: "pipegen.config.ts:9:5" }],
        ["short", { value: "eu", setAt: "pipegen.config.ts:10:5" }],
        ["workers", { value: 10, setAt: "pipegen.config.ts:11:5" }],
        ["unread", { value: "landing-prod", setAt: "pipegen.config.ts:12:5" }],
      ]),
    },
    declared: ["prod"],
    configFile: "pipegen.config.ts",
  };
  const data = {
    steps: [
      { id: "a", scriptLocation: "s3://Clicks_Lake/x.py", region: "eu", numberOfWorkers: 10, to: "landing-prod" },
      { id: "b", args: ["--out", "s3://Clicks_Lake/out/"] },
    ],
  };
  it.each<[string, string[], string[]]>([
    ["a text value, wherever a string holds it", ["lake"], ["steps[0].scriptLocation", "steps[1].args[1]"]],
    ["not a short word, nor a number (the spec may write them itself)", ["short", "workers"], []],
    ["not a value the spec did not read", [], []],
  ])("%s", (_, names, want) => {
    const spec: LoadedSpec = { file: "pipelines/demo.pipeline.ts", data, locate: () => ({ line: 1, column: 1 }) };
    const found = readSubstitutions(spec, names, choice);
    expect(found.map((f) => formatPath(f.path))).toEqual(want);
    for (const f of found)
      expect(f).toMatchObject({ name: "lake", environment: "prod", setAt: "pipegen.config.ts:9:5" });
  });
});

describe("specs rendered for an environment", () => {
  it("read the environment's values; a spec that reads none renders anywhere", async () => {
    await write("pipegen.config.yaml", CONFIG);
    await write("pipelines/demo.pipeline.yaml", SPEC(SENSOR));
    const [dev] = await validatePipelines({ cwd, env: "dev" });
    expect(dev!.pipeline.steps[0]).toMatchObject({ bucket: "landing-dev", key: "in/landing-dev/${DATE}.csv" });
    const [prod] = await validatePipelines({ cwd, env: "prod" });
    expect(prod!.pipeline.steps[0]).toMatchObject({ bucket: "landing-prod" });
    await write("pipelines/demo.pipeline.yaml", SPEC("  - { id: wait, kind: s3Sensor, bucket: fixed, key: k }\n"));
    expect(await validatePipelines({ cwd })).toHaveLength(1);
  });

  it("builds a TypeScript spec that exports a function once per environment", async () => {
    await write("pipegen.config.yaml", CONFIG);
    await write(
      "pipelines/demo.pipeline.ts",
      `import { definePipeline } from "pipegen";
export default definePipeline(({ env }) => ({
  id: "demo", airflowVersion: "2.10.3", schedule: null, startDate: "2024-01-01",
  steps: [{ id: "load", kind: "glueJob", job: "j", numberOfWorkers: env.workers as number }],
}));
`,
    );
    const runs = await validateEveryEnvironment({ cwd });
    expect(
      runs.map((r) => [r.env, (r.pipelines[0]!.pipeline.steps[0] as { numberOfWorkers: number }).numberOfWorkers]),
    ).toEqual([
      ["dev", 2],
      ["prod", 10],
    ]);
  });

  it("locates a TypeScript spec's read of a value no environment sets at the line that reads it", async () => {
    await write("pipegen.config.yaml", CONFIG);
    await write(
      "pipelines/demo.pipeline.ts",
      `import { definePipeline } from "pipegen";
export default definePipeline(({ env }) => {
  const bucket = env.landng;
  return { id: "demo", airflowVersion: "2.10.3", schedule: null, startDate: "2024-01-01", steps: [] };
});
`,
    );
    expect(await problems(validatePipelines({ cwd, env: "dev" }))).toEqual([
      "pipelines/demo.pipeline.ts:3:22 reads env.landng, which pipegen.config.yaml does not declare — did you mean env.landing?",
    ]);
  });

  it("says which environments a problem appears in when validating all of them", async () => {
    await write("pipegen.config.yaml", CONFIG.replace("landing: landing-prod", "landing: Landing_Prod"));
    await write("pipelines/demo.pipeline.yaml", SPEC(SENSOR, "maxActiveRuns: 0\n"));
    expect(await problems(validateEveryEnvironment({ cwd }))).toEqual([
      "pipelines/demo.pipeline.yaml:5:16 maxActiveRuns: must be at least 1",
      "pipelines/demo.pipeline.yaml:9:13 steps[0].bucket: with --env prod: is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit — env.landing is \"Landing_Prod\" in prod (pipegen.config.yaml:10:16)",
    ]);
  });

  it.each<[string, string | undefined, string]>([
    [
      "an environment the config lacks",
      "stage",
      "--env stage: pipegen.config.yaml declares the environments dev, prod",
    ],
    ["a near miss", "prd", "--env prd: pipegen.config.yaml declares the environments dev, prod; did you mean prod?"],
  ])("refuses %s", async (_, env, message) => {
    await write("pipegen.config.yaml", CONFIG);
    await write("pipelines/demo.pipeline.yaml", SPEC(SENSOR));
    expect(await problems(validatePipelines({ cwd, env }))).toEqual([message]);
  });

  it("refuses --env without a config", async () => {
    await write("pipelines/demo.pipeline.yaml", SPEC(SENSOR));
    expect(await problems(validatePipelines({ cwd, env: "dev" }))).toEqual([
      "--env dev names an environment, but there is no pipegen.config file here: declare the environments in pipegen.config.yaml (or .ts), e.g. environments: { dev: { values: { ... } } }",
    ]);
  });
});
