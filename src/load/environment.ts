/**
 * The environment a spec is loaded for (`--env`), and the two ways a spec
 * reads its values: a TypeScript spec that exports a function gets the
 * `env` object; any spec may write `${env.<name>}` in a string, which is
 * replaced here, before validation, so that each value is checked where it
 * lands like any other spec value.
 */
import { formatPath, type Problem, placeProblem, type SpecPath } from "../problem.js";
import type { EnvValue } from "../spec/define.js";
import { fixedKeyAt } from "../spec/fixed-keys.js";
import { nearest } from "../spec/nearest.js";
import type { LoadedSpec } from "./source.js";

/** One value of an environment, and where the config sets it (`file:line:col`). */
export interface EnvironmentValue {
  readonly value: EnvValue;
  readonly setAt: string;
}

/** An environment a project config declares. */
export interface Environment {
  readonly name: string;
  readonly values: ReadonlyMap<string, EnvironmentValue>;
}

/** What a run knows about environments: the one it renders for, if any, and what it could have named. */
export interface EnvironmentChoice {
  /** The environment `--env` names; undefined when the run names none. */
  readonly selected: Environment | undefined;
  /** The environments the config declares, in its order. */
  readonly declared: readonly string[];
  /** The config file, as messages name it; undefined when there is none. */
  readonly configFile: string | undefined;
}

/** No config file, no environment. */
export const NO_ENVIRONMENT: EnvironmentChoice = { selected: undefined, declared: [], configFile: undefined };

/** A spec value replaced by an environment's value: for messages about it. */
export interface Substitution {
  readonly path: SpecPath;
  readonly name: string;
  readonly environment: string;
  readonly value: EnvValue;
  readonly setAt: string;
}

/** `${env.<name>}`; the name is checked separately, so that a malformed one gets its own message. */
const REFERENCE = /\$\{env\.([^}]*)\}/g;
const WHOLE_REFERENCE = /^\$\{env\.([^}]*)\}$/;
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Why a name cannot be read in this run, or undefined when it can. */
function unreadable(name: string, choice: EnvironmentChoice): { message: string; hint: string } | undefined {
  if (choice.configFile === undefined || choice.declared.length === 0)
    return {
      message:
        choice.configFile === undefined
          ? `reads env.${name}, but there is no pipegen.config file to declare environments`
          : `reads env.${name}, but ${choice.configFile} declares no environments`,
      hint: "declare the environments and their values in pipegen.config.yaml (or .ts): environments: { dev: { values: { ... } }, prod: { values: { ... } } }",
    };
  if (choice.selected === undefined)
    return {
      message: `reads env.${name}, but no environment was given`,
      hint: `pass --env with one of ${choice.declared.join(", ")}`,
    };
  if (!choice.selected.values.has(name)) {
    const known = [...choice.selected.values.keys()];
    const near = nearest(name, known);
    return {
      message: `reads env.${name}, which ${choice.configFile} does not declare`,
      hint: near
        ? `did you mean env.${near}?`
        : known.length > 0
          ? `declared values: ${known.join(", ")}`
          : `declare ${name} in the values of every environment`,
    };
  }
  return undefined;
}

/**
 * Replaces every `${env.<name>}` in the spec's strings with the selected
 * environment's value: a string that is only a reference takes the value
 * itself (a number stays a number), one that contains references takes
 * their text. Values are inserted once, never scanned again.
 */
export function substituteEnvironment(
  spec: LoadedSpec,
  choice: EnvironmentChoice,
): { spec: LoadedSpec; substitutions: Substitution[] } | Problem[] {
  const problems: Problem[] = [];
  const substitutions: Substitution[] = [];
  const at = (path: SpecPath, message: string, hint: string, key = false): void => {
    problems.push(placeProblem({ file: spec.file, path, message, hint, key }, spec.locate));
  };

  const replace = (text: string, path: SpecPath): unknown => {
    const names = [...text.matchAll(REFERENCE)].map((m) => m[1]!);
    if (names.length === 0) return text;
    const fixed = fixedKeyAt(path);
    if (fixed !== undefined) {
      at(
        path,
        `cannot read an environment value: ${String(fixed)} is the same in every environment`,
        "write it out; environment values may stand anywhere else",
      );
      return text;
    }
    let ok = true;
    for (const name of names) {
      if (!NAME.test(name)) {
        at(
          path,
          `\${env.${name}} is not a reference: a value's name is letters, digits and '_', starting with a letter`,
          "write ${env.<name>} with a name the config declares",
        );
        ok = false;
        continue;
      }
      const why = unreadable(name, choice);
      if (why) {
        at(path, why.message, why.hint);
        ok = false;
      }
    }
    if (!ok) return text;
    const env = choice.selected!;
    for (const name of new Set(names)) {
      const { value, setAt } = env.values.get(name)!;
      substitutions.push({ path, name, environment: env.name, value, setAt });
    }
    const whole = WHOLE_REFERENCE.exec(text);
    if (whole) return env.values.get(whole[1]!)!.value;
    return text.replace(REFERENCE, (_, name: string) => String(env.values.get(name)!.value));
  };

  const walk = (value: unknown, path: SpecPath): unknown => {
    if (typeof value === "string") return replace(value, path);
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.includes("${env."))
        at(
          [...path, key],
          "is a key that reads an environment value; keys are the same in every environment",
          "write the key out; use ${env.<name>} in values",
          true,
        );
      out[key] = walk(item, [...path, key]);
    }
    return out;
  };

  if (!hasReference(spec.data)) return { spec, substitutions };
  const data = walk(spec.data, []);
  return problems.length > 0 ? problems : { spec: { ...spec, data }, substitutions };
}

/** Most specs reference nothing: a quick scan spares them the copy. */
function hasReference(value: unknown): boolean {
  if (typeof value === "string") return value.includes("${env.");
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(hasReference);
  return Object.entries(value).some(([key, item]) => key.includes("${env.") || hasReference(item));
}

/** Thrown by the `env` object a TypeScript spec reads, at the spec line that reads it. */
export class EnvAccessError extends Error {
  override readonly name = "EnvAccessError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * The `env` object a TypeScript spec function receives: the selected
 * environment's values, read-only. Reading a name it lacks throws, so that
 * the problem is reported at the line that reads it.
 */
export function envObject(
  choice: EnvironmentChoice,
  /** Called with each name the spec reads, so that problems with its value can say where the config sets it. */
  onRead?: (name: string) => void,
): Readonly<Record<string, EnvValue>> {
  const values = Object.fromEntries(
    [...(choice.selected?.values ?? new Map<string, EnvironmentValue>())].map(([k, v]) => [k, v.value]),
  );
  return new Proxy(Object.freeze(values), {
    get(target, name) {
      // Symbols and the names JavaScript itself probes (await, JSON.stringify, inspection) are not values.
      if (typeof name === "symbol" || name === "then" || name === "toJSON" || name === "constructor")
        return Reflect.get(target, name);
      const why = unreadable(name, choice);
      if (why) throw new EnvAccessError(why.message, why.hint);
      onRead?.(name);
      return target[name];
    },
  });
}

/** Problems of a spec built for an environment, with where each substituted value was set. */
export function explainSubstitutions(problems: readonly Problem[], substitutions: readonly Substitution[]): Problem[] {
  if (substitutions.length === 0) return [...problems];
  return problems.map((p) => {
    // A template instance's problem is placed at its `use:`; a value under its `with:` that the message quotes explains it.
    const instance = p.path.endsWith(".use") ? `${p.path.slice(0, -".use".length)}.with` : undefined;
    const from = substitutions.filter((s) => {
      const path = formatPath(s.path);
      if (p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`)) return true;
      return (
        instance !== undefined &&
        (path === instance || path.startsWith(`${instance}.`) || path.startsWith(`${instance}[`)) &&
        p.message.includes(String(s.value))
      );
    });
    if (from.length === 0) return p;
    const origin = from
      .map((s) => `env.${s.name} is ${JSON.stringify(s.value)} in ${s.environment} (${s.setAt})`)
      .join("; ");
    return { ...p, hint: p.hint ? `${p.hint}; ${origin}` : origin };
  });
}

/**
 * The values a TypeScript spec read from `env`, as substitutions: the `env`
 * object hands over plain values, so where each landed is found by looking
 * for it in the spec's strings. Only text values of four characters or more
 * are looked for (a number, or a short word, would be found where the spec
 * wrote it itself).
 */
export function readSubstitutions(
  spec: LoadedSpec,
  names: readonly string[],
  choice: EnvironmentChoice,
): Substitution[] {
  const env = choice.selected;
  if (env === undefined || names.length === 0) return [];
  const read = [...new Set(names)].flatMap((name) => {
    const found = env.values.get(name);
    return found && typeof found.value === "string" && found.value.length >= 4 ? [{ name, ...found }] : [];
  });
  const out: Substitution[] = [];
  const walk = (value: unknown, path: SpecPath): void => {
    if (typeof value === "string") {
      for (const r of read)
        if (value.includes(r.value as string))
          out.push({ path, name: r.name, environment: env.name, value: r.value, setAt: r.setAt });
    } else if (Array.isArray(value)) for (const [i, item] of value.entries()) walk(item, [...path, i]);
    else if (value !== null && typeof value === "object")
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
  };
  if (read.length > 0) walk(spec.data, []);
  return out;
}
