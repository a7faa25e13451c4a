/**
 * Reusable step templates. A team defines one in TypeScript, in a
 * `*.template.ts` file next to its specs, with a zod schema for its config;
 * a pipeline uses it as a step (`kind: template`, `use: name@version`,
 * `with: {...}`), and validate expands it into ordinary steps.
 */
import { z } from "zod";
import { stepId } from "./common.js";
import type { StepInput } from "./steps/index.js";

/** A template's name: what `use:` names before the `@`. */
export const TEMPLATE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** A template's version: `1`, `1.2` or `1.2.3`; a pipeline pins one exactly. */
export const TEMPLATE_VERSION = /^\d+(\.\d+){0,2}$/;

/** `use:`: a template's name and the version the pipeline pins. */
export const TEMPLATE_USE = new RegExp(`^${TEMPLATE_NAME.source.slice(1, -1)}@${TEMPLATE_VERSION.source.slice(1)}`);

const BRAND = Symbol.for("pipegen.template");

/** What `defineTemplate` takes. */
export interface TemplateDefinition<Config extends z.ZodObject> {
  /** Lowercase letters, digits, `_` and `-`: pipelines name it in `use: <name>@<version>`. */
  readonly name: string;
  /** `1`, `1.2` or `1.2.3`. Several versions of one template may coexist; each pipeline pins one. */
  readonly version: string;
  readonly description?: string;
  /** The instance's `with:`, validated (and defaulted) by this schema before `steps` sees it. */
  readonly config: Config;
  /**
   * The steps an instance expands into, with the template's own step ids: the
   * instance id goes in front of each (`<instance>_<id>`), and `after`
   * references between them are rewritten to match. The first step (and any
   * with `after: []`) runs after what the instance runs after.
   */
  readonly steps: (config: z.output<Config>) => readonly StepInput[];
  /**
   * Draw the instance as a task group named by the instance id (`true`, or
   * with a tooltip); by default its steps join the instance's `group`, if any.
   */
  readonly group?: boolean | { readonly tooltip?: string };
}

/** A defined template: its definition, and `use` to place an instance of it in a TypeScript spec. */
export interface StepTemplate<Config extends z.ZodObject = z.ZodObject> extends TemplateDefinition<Config> {
  readonly [BRAND]: true;
  /** A step that uses this template, typed by its config schema. */
  use(instance: TemplateInstanceInput<z.input<Config>>): TemplateStepInput;
}

/** Where and how a pipeline places a template's steps. */
export interface TemplateInstanceInput<With> {
  /** The instance id: each of its steps' ids starts with it, and `after` may name it. */
  readonly id: string;
  readonly with: With;
  /** Step ids the instance runs after; default the step before it. */
  readonly after?: readonly string[];
  /** The task group the instance (its group, or its steps) sits in. */
  readonly group?: string;
}

/** A `kind: template` step as a spec writes it. */
export const templateStep = z.strictObject({
  id: stepId,
  kind: z.literal("template"),
  /** `<name>@<version>` of a template in a `*.template.ts` file next to the specs (`pipegen templates` lists them). */
  use: z.string().regex(TEMPLATE_USE, { message: "must be <template name>@<version>, e.g. land_crawl_load@1" }),
  /** The template's config; `pipegen templates` shows its schema. */
  with: z.record(z.string(), z.unknown()).default({}),
  /** Step ids the instance's first steps run after. Defaults to the previous step. */
  after: z.array(z.string()).optional(),
  /** The task group the instance sits in. */
  group: z.string().optional(),
});

export type TemplateStepInput = z.input<typeof templateStep>;

/**
 * Defines a reusable, typed step template. The config type flows from the
 * zod schema into `steps` and into `use`.
 *
 * @example
 * export default defineTemplate({
 *   name: "land_crawl_load", version: "1",
 *   config: z.object({ bucket: z.string(), prefix: z.string() }),
 *   steps: (cfg) => [{ id: "land", kind: "s3Sensor", bucket: cfg.bucket, key: `${cfg.prefix}_SUCCESS` }],
 * });
 */
export function defineTemplate<Config extends z.ZodObject>(
  definition: TemplateDefinition<Config>,
): StepTemplate<Config> {
  const template: StepTemplate<Config> = {
    ...definition,
    [BRAND]: true,
    use: (instance) => ({
      id: instance.id,
      kind: "template",
      use: `${definition.name}@${definition.version}`,
      with: instance.with as Record<string, unknown>,
      ...(instance.after ? { after: [...instance.after] } : {}),
      ...(instance.group ? { group: instance.group } : {}),
    }),
  };
  return template;
}

/** True for what `defineTemplate` returned (in this process, or from another copy of pipegen). */
export function isStepTemplate(value: unknown): value is StepTemplate {
  return value !== null && typeof value === "object" && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** A template's config as JSON Schema: what `with:` takes (input types, defaults shown). */
export function templateConfigSchema(template: StepTemplate): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(template.config, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  return schema;
}
