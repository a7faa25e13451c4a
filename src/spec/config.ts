/**
 * The project config, `pipegen.config.{yaml,yml,json,ts}`: deploy settings
 * (the table in deploy/deploy-settings.ts), and the environments a project
 * renders for, each with the values its specs reference as `${env.<name>}`
 * (YAML) or `env.<name>` (TypeScript) and its own deploy settings.
 */
import { z } from "zod";
import { awsAccountId, awsRegion, s3BucketName } from "./common.js";
import type { EnvValue } from "./define.js";
import { DEPLOY_OPTIONS, SETTING_NAMES, type SettingName } from "./deploy-settings.js";

/** The type each kind of deploy setting has in the config file. */
const DEPLOY_VALUE = { text: z.string(), int: z.number(), bool: z.boolean() } as const;

type DeployShape = { [K in SettingName]: (typeof DEPLOY_VALUE)[(typeof DEPLOY_OPTIONS)[K]["kind"]] };

/** Settings whose values the config file can check where they are written, not only when deploy reads them. */
const CHECKED: Partial<Record<SettingName, z.ZodType>> = {
  bucket: s3BucketName,
  account: awsAccountId,
  region: awsRegion,
};

/** A `deploy` section: one key per setting of the deploy table, all optional. */
export const deployConfig = z
  .strictObject(
    Object.fromEntries(
      SETTING_NAMES.map((name) => [name, CHECKED[name] ?? DEPLOY_VALUE[DEPLOY_OPTIONS[name].kind]]),
    ) as DeployShape,
  )
  .partial();

/** A value's name: what a spec writes after `env.`. */
export const VALUE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** An environment's name, as `--env` gives it. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9_-]*$/;

const valueName = z
  .string()
  .regex(VALUE_NAME, {
    message:
      "must be a name of letters, digits and '_' that starts with a letter, so that specs can write ${env.<name>}",
  })
  .max(100);

const VALUE_MESSAGE = "must be text, a number or true/false";

const value = z
  .custom<EnvValue>(
    (v) => typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)),
    { error: (issue) => (issue.input === null || issue.input === undefined ? "is not set" : VALUE_MESSAGE) },
  )
  .refine((v) => typeof v !== "string" || !v.includes("${env."), {
    message: "reads another value: values are inserted as they are, never expanded",
    params: { hint: "write the value out" },
  });

const values = z.record(valueName, value);

const environment = z.strictObject({
  /** What the specs reference: `${env.<name>}` in YAML, `env.<name>` in TypeScript. */
  values: values.default({}),
  /** Deploy settings for this environment, over the top-level `deploy` section. */
  deploy: deployConfig.optional(),
});

export const projectConfig = z
  .strictObject({
    deploy: deployConfig.optional(),
    /** Values every environment has unless it sets its own. */
    values: values.default({}),
    environments: z
      .record(
        z
          .string()
          .regex(ENVIRONMENT_NAME, {
            message: "must be an environment name (lowercase letters, digits, '-', '_'; starts with a letter)",
          })
          .max(64),
        environment,
      )
      .default({}),
  })
  .superRefine((config, ctx) => {
    const names = Object.keys(config.environments);
    if (names.length === 0) {
      if (Object.keys(config.values).length > 0)
        ctx.addIssue({
          code: "custom",
          path: ["values"],
          message: "are values for environments, but the config declares none",
          params: { hint: "declare them: environments: { dev: {}, prod: {} }, each with the values it changes" },
        });
      return;
    }
    // A value must exist in every environment: a spec renders for each one.
    const reported = new Set<string>();
    for (const [name, env] of Object.entries(config.environments))
      for (const key of Object.keys(env.values)) {
        if (key in config.values || reported.has(key)) continue;
        reported.add(key);
        const setIn = names.filter((n) => key in config.environments[n]!.values);
        const missing = names.filter((n) => !setIn.includes(n));
        if (missing.length === 0) continue;
        ctx.addIssue({
          code: "custom",
          path: ["environments", name, "values", key],
          message: `is set for ${list(setIn)} only; ${list(missing)} ${missing.length === 1 ? "has" : "have"} no value "${key}"`,
          params: {
            hint: `set ${key} in ${list(missing.map((m) => `environments.${m}.values`))} too, or in the top-level values as the default of every environment`,
          },
        });
      }
  });

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** A validated project config, with defaults applied. */
export type ProjectConfigData = z.output<typeof projectConfig>;

/** What a project config author writes (the type `defineConfig` takes). */
export type ProjectConfigInput = z.input<typeof projectConfig>;

/** The deploy settings a config sets, by setting name. */
export type DeployConfigData = z.output<typeof deployConfig>;
