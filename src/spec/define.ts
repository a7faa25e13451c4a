import type { ProjectConfigInput } from "./config.js";
import type { PipelineInput } from "./pipeline.js";

/** A value an environment sets in the project config: text, a number or a switch. */
export type EnvValue = string | number | boolean;

/** The values of one environment, by name: what `env` holds while a spec is built. */
export type EnvValues = { readonly [name: string]: EnvValue };

/** What pipegen passes to a spec that exports a function: the environment being rendered. */
export interface PipelineContext<E extends EnvValues = EnvValues> {
  /** The values of the environment given with `--env`, from pipegen.config. */
  readonly env: E;
}

/** A spec that depends on the environment: pipegen calls it once per environment it renders or validates. */
export type PipelineBuilder<E extends EnvValues = EnvValues> = (context: PipelineContext<E>) => PipelineInput;

/**
 * Declares a pipeline in TypeScript with full type checking and editor
 * completion. It returns the spec unchanged: validation happens when pipegen
 * loads the file, with the same schema as YAML specs.
 *
 * Given a function, the spec depends on the environment: pipegen calls it
 * with `{ env }`, the values of the environment `--env` names in
 * pipegen.config. `EnvOf<typeof config>` types `env` from a TypeScript config.
 *
 * @example
 * export default definePipeline({ id: "sales", airflowVersion: "3.0.6", schedule: "@daily", ... });
 * @example
 * import type config from "../pipegen.config";
 * export default definePipeline<EnvOf<typeof config>>(({ env }) => ({ id: "sales", ..., bucket: env.landingBucket }));
 */
export function definePipeline<const T extends PipelineInput>(spec: T): T;
export function definePipeline<E extends EnvValues = EnvValues>(build: PipelineBuilder<E>): PipelineBuilder<E>;
export function definePipeline(spec: PipelineInput | PipelineBuilder): PipelineInput | PipelineBuilder {
  return spec;
}

/**
 * Declares the project config (`pipegen.config.ts`) with type checking: the
 * environments, the values each sets for the specs, and deploy settings. It
 * returns the config unchanged; pipegen validates it when it loads the file.
 *
 * @example
 * export default defineConfig({
 *   environments: {
 *     dev: { values: { landingBucket: "clicks-landing-dev" }, deploy: { bucket: "dev-mwaa-source" } },
 *     prod: { values: { landingBucket: "clicks-landing" }, deploy: { bucket: "prod-mwaa-source" } },
 *   },
 * });
 */
export function defineConfig<const C extends ProjectConfigInput>(config: C): C {
  return config;
}

type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : never;
/** Each environment's `values`, as a union. */
type EnvironmentValues<C> = C extends { readonly environments: infer E }
  ? { [N in keyof E]: E[N] extends { readonly values: infer V } ? V : never }[keyof E]
  : never;
type SharedValues<C> = C extends { readonly values: infer V } ? V : never;
/** The keys of every member of a union. */
type KeysOf<T> = T extends unknown ? keyof T : never;
type ValueAt<T, K> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/**
 * The type of `env` for a config declared with `defineConfig`: every value
 * any environment (or the shared `values`) sets, with its type. pipegen
 * refuses a config where an environment lacks a value another one sets, so
 * each name is there in every environment.
 */
export type EnvOf<C> = {
  readonly [K in KeysOf<EnvironmentValues<C> | SharedValues<C>> & string]: Widen<
    ValueAt<EnvironmentValues<C> | SharedValues<C>, K>
  >;
};

/**
 * zod, as pipegen uses it: a template's `config` schema is built with this
 * `z`, so pipegen can validate it and describe it as JSON Schema whatever
 * copy of zod the project has.
 */
export { z } from "zod";
export { defineTemplate, type StepTemplate, type TemplateDefinition } from "./template.js";
