/**
 * Expands template steps (`kind: template`) into ordinary steps before the
 * pipeline schema sees them. Each instance's `with:` is checked by the
 * template's own zod schema, at the line and column of the value inside
 * `with:`; an unknown template or version, a template that throws, or one
 * that makes invalid steps is reported at the instance's `use:`.
 *
 * Ids: an instance `orders` of a template whose steps are `land` and `crawl`
 * expands to steps `orders_land` and `orders_crawl` (`after` references
 * between them follow), so two instances never clash. The instance's first
 * steps run after what the instance runs after; a step that runs after the
 * instance (`after: [orders]`, or the next step in the list) runs after its
 * last steps, the ones no other step of the instance runs after.
 */
import type { z } from "zod";
import { dataTooDeep } from "../load/nesting.js";
import type { TemplateRegistry } from "../load/templates.js";
import { formatPath, type Locator, type SpecPath, type SpecProblem } from "../problem.js";
import { templateStep } from "../spec/template.js";
import { describeIssue, describeUnknownKey, narrowUnion, nearest } from "./messages.js";

/** A spec with its template steps expanded, and how to speak of its problems in the file the user wrote. */
export interface Expanded {
  /** The spec's data with ordinary steps only (or the data as loaded, when it uses no template). */
  readonly data: unknown;
  /** Locates paths of the expanded data in the spec file: an instance's steps at its `use:`. */
  readonly locate: Locator;
  /**
   * Rewrites a problem with the expanded data into one with the spec as
   * written; undefined for one that only follows from an instance that could
   * not expand (already reported).
   */
  readonly remap: (problem: SpecProblem) => SpecProblem | undefined;
  /** Problems with the instances themselves, in the spec's own paths. */
  readonly problems: readonly SpecProblem[];
}

type Origin =
  | { readonly own: number; readonly afterRewritten: boolean }
  | { readonly instance: number; readonly use: string; readonly stepId: string };

interface Instance {
  readonly index: number;
  readonly id: string;
  readonly use: string;
  readonly after: readonly string[] | undefined;
  readonly group: string | undefined;
  readonly steps: ReadonlyArray<Record<string, unknown>>;
  readonly drawnAsGroup: { readonly tooltip: string | undefined } | undefined;
}

type Raw = Record<string, unknown>;

export function expandTemplates(
  spec: { readonly file: string; readonly data: unknown; readonly locate: Locator },
  registry: TemplateRegistry,
): Expanded {
  const same: Expanded = { data: spec.data, locate: spec.locate, remap: (p) => p, problems: [] };
  const data = spec.data as { steps?: unknown; groups?: unknown } | null;
  if (data === null || typeof data !== "object" || !Array.isArray(data.steps)) return same;
  const rawSteps = data.steps as unknown[];
  if (!rawSteps.some(isTemplateStep)) return same;

  const { file } = spec;
  const problems: SpecProblem[] = [];
  const ownIds = new Set(
    rawSteps
      .filter((s) => !isTemplateStep(s))
      .flatMap((s) => (typeof (s as Raw)?.id === "string" ? [(s as Raw).id as string] : [])),
  );
  const instances = new Map<number, Instance | undefined>();
  const instanceIds = new Map<string, number>();
  rawSteps.forEach((raw, index) => {
    if (!isTemplateStep(raw)) return;
    const instance = instantiate(file, raw as Raw, index, registry, problems);
    const id = (raw as Raw).id;
    if (typeof id === "string") {
      const clash = ownIds.has(id) ? "a step" : instanceIds.has(id) ? `steps[${instanceIds.get(id)}]` : undefined;
      if (clash) {
        problems.push({
          file,
          path: ["steps", index, "id"],
          message: `duplicate step id "${id}": ${clash} already uses it`,
          hint: "an instance id names the instance in `after` and starts its steps' ids: make it unique",
        });
        instances.set(index, undefined);
        return;
      }
      instanceIds.set(id, index);
    }
    instances.set(index, instance);
  });
  // Failed instances are left out, and so are references to them: their problems are already reported.
  const failed = new Set(
    [...instances]
      .flatMap(([i, inst]) => (inst ? [] : [(rawSteps[i] as Raw | null)?.id]))
      .filter((id) => typeof id === "string"),
  );

  const expanded: unknown[] = [];
  const origins: Origin[] = [];
  const addedGroups: Array<{ group: Raw; instance: number }> = [];
  const leaves = new Map<string, string[]>();
  /** The step ids a reference to a step or instance stands for. */
  const refs = (list: readonly unknown[]) =>
    list.flatMap((r) => (typeof r === "string" ? (failed.has(r) ? [] : (leaves.get(r) ?? [r])) : [r]));
  // Leaves first: `after` may name an instance further down the list.
  for (const inst of instances.values()) if (inst) leaves.set(inst.id, leafIds(inst));

  let previous: string[] = [];
  rawSteps.forEach((raw, index) => {
    if (!isTemplateStep(raw)) {
      const step = raw as Raw;
      const after = Array.isArray(step?.after) ? refs(step.after) : undefined;
      const afterRewritten = after !== undefined && after.join() !== (step.after as unknown[]).join();
      const implicit = after === undefined && index > 0 && isTemplateStep(rawSteps[index - 1]);
      expanded.push(
        step !== null && typeof step === "object"
          ? { ...step, ...(after ? { after } : implicit ? { after: previous } : {}) }
          : step,
      );
      origins.push({ own: index, afterRewritten: afterRewritten || implicit });
      previous = typeof step?.id === "string" ? [step.id] : [];
      return;
    }
    const inst = instances.get(index);
    if (!inst) return;
    const upstream = inst.after === undefined ? previous : refs(inst.after);
    const prefixed = (local: string) => `${inst.id}_${local}`;
    const local = new Set(inst.steps.map((s) => s.id as string));
    inst.steps.forEach((s, j) => {
      const after = Array.isArray(s.after)
        ? s.after.length === 0
          ? upstream
          : s.after.map((r) => (typeof r === "string" && local.has(r) ? prefixed(r) : r))
        : j === 0
          ? upstream
          : [prefixed(inst.steps[j - 1]!.id as string)];
      const group = inst.drawnAsGroup ? inst.id : inst.group;
      const { group: _ignored, ...rest } = s;
      expanded.push({ ...rest, id: prefixed(s.id as string), after: [...after], ...(group ? { group } : {}) });
      origins.push({ instance: index, use: inst.use, stepId: prefixed(s.id as string) });
    });
    if (inst.drawnAsGroup)
      addedGroups.push({
        group: {
          id: inst.id,
          ...(inst.drawnAsGroup.tooltip ? { tooltip: inst.drawnAsGroup.tooltip } : {}),
          ...(inst.group ? { parent: inst.group } : {}),
        },
        instance: index,
      });
    previous = leaves.get(inst.id)!;
  });

  const declaredGroups = Array.isArray(data.groups) ? data.groups : [];
  const groups = [...declaredGroups, ...addedGroups.map((g) => g.group)];
  const out = { ...data, steps: expanded, ...(groups.length > 0 ? { groups } : {}) };

  const written = (path: SpecPath): SpecPath => {
    if (path[0] === "steps" && typeof path[1] === "number") {
      const origin = origins[path[1]];
      if (!origin) return path;
      if ("own" in origin)
        return origin.afterRewritten && path[2] === "after"
          ? ["steps", origin.own, "after"]
          : ["steps", origin.own, ...path.slice(2)];
      return ["steps", origin.instance, "use"];
    }
    if (path[0] === "groups" && typeof path[1] === "number" && path[1] >= declaredGroups.length) {
      const added = addedGroups[path[1] - declaredGroups.length];
      if (!added) return path;
      // The instance's `group` is its group's parent; anything else about its group is about the instance id.
      return ["steps", added.instance, path[2] === "parent" ? "group" : "id"];
    }
    return path;
  };
  /** `steps[k]` in a message or hint, as the spec numbers its steps. */
  const renumber = (text: string | undefined) =>
    text?.replace(/\bsteps\[(\d+)\]/g, (whole, k: string) => {
      const origin = origins[Number(k)];
      return origin ? `steps[${"own" in origin ? origin.own : origin.instance}]` : whole;
    });
  const remap = (problem: SpecProblem): SpecProblem | undefined => {
    // With every instance failed, the list of steps may be empty: that is not the user's mistake.
    if (problem.path.length === 1 && problem.path[0] === "steps" && expanded.length === 0 && problems.length > 0)
      return undefined;
    const p = { ...problem, message: renumber(problem.message)!, hint: renumber(problem.hint) };
    const path = written(p.path);
    if (path === p.path) return p;
    const origin = p.path[0] === "steps" ? origins[p.path[1] as number] : undefined;
    if (origin && "instance" in origin) {
      const inside = formatPath(p.path.slice(2));
      return {
        ...p,
        path,
        key: false,
        message: `${origin.use} makes step "${origin.stepId}"${inside ? `, whose ${inside}` : ", which"} ${p.message}`,
        hint: p.hint ?? "check the values under `with:`, or the template",
      };
    }
    if (p.path[0] === "groups")
      return { ...p, path, key: false, message: p.path[2] === "parent" ? p.message : `its task group: ${p.message}` };
    return { ...p, path };
  };
  return {
    data: out,
    locate: (path, options) => spec.locate(written(path), options),
    remap,
    problems,
  };
}

function isTemplateStep(raw: unknown): boolean {
  return raw !== null && typeof raw === "object" && (raw as Raw).kind === "template";
}

/** The instance's steps that no other step of it runs after, with their expanded ids. */
function leafIds(inst: Instance): string[] {
  const local = inst.steps.map((s) => s.id as string);
  const upstreamOfSome = new Set<string>();
  inst.steps.forEach((s, j) => {
    if (Array.isArray(s.after)) for (const r of s.after) upstreamOfSome.add(String(r));
    else if (j > 0) upstreamOfSome.add(local[j - 1]!);
  });
  return local.filter((id) => !upstreamOfSome.has(id)).map((id) => `${inst.id}_${id}`);
}

/** Checks one instance and runs its template; undefined (with problems added) when it cannot expand. */
function instantiate(
  file: string,
  raw: Raw,
  index: number,
  registry: TemplateRegistry,
  problems: SpecProblem[],
): Instance | undefined {
  const at = (...path: PropertyKey[]): SpecPath => ["steps", index, ...path];
  const before = problems.length;
  const parsed = templateStep.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues.flatMap(narrowUnion))
      if (issue.code === "unrecognized_keys")
        for (const key of issue.keys)
          problems.push({
            file,
            path: at(...issue.path, key),
            ...describeUnknownKey(key, Object.keys(templateStep.shape)),
            key: true,
          });
      else problems.push({ file, path: at(...issue.path), ...describeIssue(issue) });
    return undefined;
  }
  const instance = parsed.data;
  const [name, version] = instance.use.split("@") as [string, string];
  const versions = registry.get(name);
  if (!versions) {
    const all = [...registry].flatMap(([n, vs]) => [...vs.keys()].map((v) => `${n}@${v}`)).sort();
    const near = nearest(name, [...registry.keys()]);
    problems.push({
      file,
      path: at("use"),
      message: `unknown template "${name}"`,
      hint:
        all.length === 0
          ? "no template is defined: pipegen reads *.template.ts files in the spec folders (see `pipegen templates`)"
          : `${near ? `did you mean "${near}"? ` : ""}available: ${all.join(", ")}`,
    });
    return undefined;
  }
  const loaded = versions.get(version);
  if (!loaded) {
    problems.push({
      file,
      path: at("use"),
      message: `template ${name} has no version ${version}`,
      hint: `available: ${[...versions.keys()].map((v) => `${name}@${v}`).join(", ")}`,
    });
    return undefined;
  }
  const { template } = loaded;
  const config = template.config as z.ZodObject;
  const allowed = Object.keys(config.shape);
  for (const key of Object.keys(instance.with))
    if (!allowed.includes(key)) {
      const near = nearest(key, allowed);
      problems.push({
        file,
        path: at("with", key),
        message: `unknown key "${key}" for ${instance.use}`,
        hint: near ? `did you mean "${near}"?` : `its config takes ${allowed.join(", ") || "no keys"}`,
        key: true,
      });
    }
  const cfg = config.safeParse(instance.with, { reportInput: true });
  if (!cfg.success)
    for (const issue of cfg.error.issues.flatMap(narrowUnion))
      if (issue.code !== "unrecognized_keys")
        problems.push({ file, path: at("with", ...issue.path), ...describeIssue(issue) });
  if (problems.length > before || !cfg.success) return undefined;

  const fail = (message: string, hint: string) => {
    problems.push({ file, path: at("use"), message: `${instance.use} ${message}`, hint });
    return undefined;
  };
  let steps: unknown;
  try {
    steps = template.steps(cfg.data);
  } catch (error) {
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return fail(
      `threw while expanding: ${why}`,
      `the template is in ${loaded.file}; check it, or the values under \`with:\``,
    );
  }
  if (!Array.isArray(steps) || steps.length === 0)
    return fail("made no steps", `its steps function (in ${loaded.file}) must return a non-empty list of steps`);
  const deep = dataTooDeep(steps);
  if (deep)
    return fail(
      deep.cycle ? "made steps that contain themselves" : "made steps nested deeper than pipegen reads",
      `its steps function (in ${loaded.file}) must return plain data: objects, lists, strings, numbers and booleans`,
    );
  const ids = new Set<string>();
  for (const [j, s] of steps.entries()) {
    const id = (s as Raw | null)?.id;
    if (s === null || typeof s !== "object" || typeof id !== "string")
      return fail(
        `made a step without an id (its step ${j})`,
        `every step the template makes needs an id (${loaded.file})`,
      );
    if ((s as Raw).kind === "template")
      return fail(`made a template step ("${id}")`, "a template's steps are ordinary steps: templates do not nest");
    if (ids.has(id))
      return fail(`made two steps with the id "${id}"`, `step ids inside a template must be unique (${loaded.file})`);
    ids.add(id);
  }
  const group = template.group;
  return {
    index,
    id: instance.id,
    use: instance.use,
    after: instance.after,
    group: instance.group,
    steps: steps as Raw[],
    drawnAsGroup: group
      ? { tooltip: (typeof group === "object" ? group.tooltip : undefined) ?? template.description }
      : undefined,
  };
}
