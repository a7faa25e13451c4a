/**
 * What would make Airflow fail to render a templated value, found without
 * running it: Jinja syntax errors; names that are not in the task's template
 * context (Airflow renders with StrictUndefined, so using one raises);
 * filters and tests Jinja does not know; attributes the sandbox refuses; and
 * tags that read template files, which pipegen's DAGs do not ship.
 *
 * A name counts as defined where Jinja would have bound it: by `set` before
 * it, by `for`, `with`, `macro` and `call` in their bodies, and where a test
 * such as `x is defined` guards it; `x | default(...)` and `x is defined`
 * read an undefined name safely.
 */
import { JinjaSyntaxError } from "./lexer.js";
import { type Node, parse } from "./parser.js";

/** What the template environment offers: context names and globals, filters and tests. */
export interface TemplateEnvironment {
  readonly names: { has(name: string): boolean };
  readonly filters: ReadonlySet<string>;
  readonly tests: ReadonlySet<string>;
  /** The run parameters the DAG declares; when given, reading any other `params.<name>` is a problem. */
  readonly params?: ReadonlySet<string>;
}

export interface TemplateProblem {
  readonly message: string;
  /** Names read that nothing defines, when that is the problem. */
  readonly undefinedNames?: readonly string[];
  /** Params read that the DAG does not declare, when that is the problem. */
  readonly undeclaredParams?: readonly string[];
}

/** Names Jinja provides itself in some places (`loop` in for, `caller`, `varargs`, `kwargs` in macros, `self`). */
const ALWAYS = new Set(["self"]);

/** What a template does that Airflow would fail on; empty lists when nothing. */
export interface TemplateAnalysis {
  /** Jinja's syntax error and its line in the text, if the template does not parse. */
  readonly syntaxError?: { readonly message: string; readonly line: number };
  readonly undefinedNames: readonly string[];
  readonly unknownFilters: readonly string[];
  readonly unknownTests: readonly string[];
  readonly unsafeAttributes: readonly string[];
  /** include, import, from or extends. */
  readonly fileTags: readonly string[];
  /** `params.<name>` read, unguarded, where the environment declares no such param. */
  readonly undeclaredParams: readonly string[];
}

/** Analyses one templated value; `placeholders` lets `${DATE}` stand where an expression may. */
export function analyzeTemplate(
  source: string,
  env: TemplateEnvironment,
  options: { placeholders?: boolean } = {},
): TemplateAnalysis {
  const found = {
    undefinedNames: new Set<string>(),
    unknownFilters: new Set<string>(),
    unknownTests: new Set<string>(),
    unsafeAttributes: new Set<string>(),
    fileTags: new Set<string>(),
    undeclaredParams: new Set<string>(),
  };
  let template: Node[];
  try {
    template = parse(source, options);
  } catch (error) {
    if (!(error instanceof JinjaSyntaxError)) throw error;
    return {
      syntaxError: { message: error.message, line: error.line },
      undefinedNames: [],
      unknownFilters: [],
      unknownTests: [],
      unsafeAttributes: [],
      fileTags: [],
      undeclaredParams: [],
    };
  }
  new Analysis(env, found).body(template, new Scope(undefined));
  return Object.fromEntries(Object.entries(found).map(([k, v]) => [k, [...v]])) as unknown as TemplateAnalysis;
}

/** Problems of one templated value, as messages for a spec field. */
export function checkTemplate(
  source: string,
  env: TemplateEnvironment,
  options: { placeholders?: boolean } = {},
): TemplateProblem[] {
  const a = analyzeTemplate(source, env, options);
  if (a.syntaxError) {
    const where = /[\n\r]/.test(source) ? ` (line ${a.syntaxError.line} of the text)` : "";
    return [{ message: `is not valid Jinja: ${a.syntaxError.message}${where}` }];
  }
  const problems: TemplateProblem[] = [];
  for (const tag of a.fileTags)
    problems.push({ message: `uses {% ${tag} %}, which reads a template file; pipegen's DAGs ship none` });
  if (a.unknownFilters.length > 0)
    problems.push({ message: `uses ${plural("filter", a.unknownFilters)} that Jinja and Airflow do not have` });
  if (a.unknownTests.length > 0)
    problems.push({ message: `uses ${plural("test", a.unknownTests)} that Jinja does not have` });
  if (a.unsafeAttributes.length > 0)
    problems.push({
      message: `reads ${plural("attribute", a.unsafeAttributes)}, which Airflow's sandboxed Jinja refuses`,
    });
  if (a.undefinedNames.length > 0)
    problems.push({
      message: `uses ${plural("name", a.undefinedNames)} that nothing defines`,
      undefinedNames: a.undefinedNames,
    });
  if (a.undeclaredParams.length > 0)
    problems.push({
      message: `reads ${a.undeclaredParams.map((p) => `params.${p}`).join(", ")}, which the DAG does not declare`,
      undeclaredParams: a.undeclaredParams,
    });
  return problems;
}

function plural(what: string, names: readonly string[]): string {
  const list = names.map((n) => `'${n}'`).join(", ");
  return names.length === 1 ? `the ${what} ${list}` : `the ${what}s ${list}`;
}

class Scope {
  private readonly bound = new Set<string>();
  constructor(readonly parent: Scope | undefined) {}
  has(name: string): boolean {
    return this.bound.has(name) || (this.parent?.has(name) ?? false);
  }
  bind(name: string): void {
    this.bound.add(name);
  }
  names(): ReadonlySet<string> {
    return this.bound;
  }
}

class Analysis {
  constructor(
    private readonly env: TemplateEnvironment,
    private readonly found: {
      undefinedNames: Set<string>;
      unknownFilters: Set<string>;
      unknownTests: Set<string>;
      unsafeAttributes: Set<string>;
      fileTags: Set<string>;
      undeclaredParams: Set<string>;
    },
  ) {}

  body(nodes: readonly Node[], scope: Scope): void {
    // Macros see what the whole body defines, as Jinja resolves them when called.
    const macros: Array<() => void> = [];
    for (const n of nodes) this.statement(n, scope, macros);
    for (const m of macros) m();
  }

  private statement(n: Node, scope: Scope, macros: Array<() => void>): void {
    const bodies = n.bodies ?? [];
    switch (n.kind) {
      case "TemplateData":
        return;
      case "Output":
      case "ExprStmt":
        for (const c of n.children) this.expr(c, scope);
        return;
      case "Assign":
        this.expr(n.children[0]!, scope);
        this.store(n.children[1]!, scope, scope);
        return;
      case "AssignBlock": {
        this.body(bodies[0]!, new Scope(scope));
        if (n.children.length > 1) this.expr(n.children[0]!, scope);
        this.store(n.children.at(-1)!, scope, scope);
        return;
      }
      case "If": {
        // Each test runs only when the ones before were false; each body only when its test was true.
        const branches: Scope[] = [];
        const falseSoFar = new Scope(scope);
        n.children.forEach((test, i) => {
          this.expr(test, falseSoFar);
          const branch = new Scope(falseSoFar);
          for (const name of definedWhen(test, true)) branch.bind(name);
          this.body(bodies[i]!, branch);
          branches.push(branch);
          for (const name of definedWhen(test, false)) falseSoFar.bind(name);
        });
        const elseBranch = new Scope(falseSoFar);
        if (bodies.length > n.children.length) this.body(bodies.at(-1)!, elseBranch);
        branches.push(elseBranch);
        // A name every branch sets is set after the if.
        const [first, ...rest] = branches.map((b) => b.names());
        for (const name of first!) if (rest.every((names) => names.has(name))) scope.bind(name);
        return;
      }
      case "For": {
        this.expr(n.children[0]!, scope);
        const inner = new Scope(scope);
        inner.bind("loop");
        const [target, test] = n.targets!;
        this.store(target!, inner, inner);
        if (test) this.expr(test, inner);
        this.body(bodies[0]!, inner);
        this.body(bodies[1]!, new Scope(scope));
        return;
      }
      case "With": {
        for (const v of n.children) this.expr(v, scope);
        const inner = new Scope(scope);
        for (const t of n.targets!) this.store(t, inner, inner);
        this.body(bodies[0]!, inner);
        return;
      }
      case "Macro":
      case "CallBlock": {
        if (n.kind === "Macro") scope.bind(n.name!);
        for (const c of n.children) this.expr(c, scope);
        macros.push(() => {
          const inner = new Scope(scope);
          for (const name of ["varargs", "kwargs", "caller"]) inner.bind(name);
          for (const t of n.targets!) this.store(t, inner, inner);
          this.body(bodies[0]!, inner);
        });
        return;
      }
      case "FilterBlock":
      case "Scope":
        for (const c of n.children) this.expr(c, scope);
        this.body(bodies[0]!, new Scope(scope));
        return;
      case "Block":
        // A block renders on its own: it sees the enclosing names only when scoped.
        this.body(bodies[0]!, new Scope(n.scoped ? scope : undefined));
        return;
      case "Extends":
      case "Include":
      case "Import":
        this.found.fileTags.add(n.name!);
        return;
      default:
        throw new Error(`unexpected Jinja node ${n.kind}`);
    }
  }

  /** Binds an assignment target's names in `into`; namespace attributes read their namespace. */
  private store(target: Node, into: Scope, reading: Scope): void {
    if (target.kind === "Name") into.bind(target.name!);
    else if (target.kind === "NSRef") this.load(target.name!, reading);
    else for (const c of target.children) this.store(c, into, reading);
  }

  /** A read of the context's `params.<name>` (or `params["<name>"]`) that the DAG does not declare. */
  private param(n: Node, scope: Scope): void {
    const name = paramRead(n, scope);
    if (name !== undefined && this.env.params && !this.env.params.has(name) && !scope.has(`params.${name}`))
      this.found.undeclaredParams.add(name);
  }

  private load(name: string, scope: Scope): void {
    if (!scope.has(name) && !this.env.names.has(name) && !ALWAYS.has(name)) this.found.undefinedNames.add(name);
  }

  private expr(n: Node, scope: Scope): void {
    switch (n.kind) {
      case "Name":
        if (n.ctx === "load") this.load(n.name!, scope);
        return;
      case "Filter": {
        if (!this.env.filters.has(n.name!)) this.found.unknownFilters.add(n.name!);
        const [first, ...args] = n.value ? n.children : [undefined, ...n.children];
        // default() is how a template reads a name (or a param) that may be undefined.
        if (first && !(mayBeUndefined(first, scope) && (n.name === "default" || n.name === "d")))
          this.expr(first, scope);
        for (const a of args) this.expr(a!, scope);
        return;
      }
      case "Test": {
        if (!this.env.tests.has(n.name!)) this.found.unknownTests.add(n.name!);
        const [subject, ...args] = n.children;
        if (!(mayBeUndefined(subject!, scope) && (n.name === "defined" || n.name === "undefined")))
          this.expr(subject!, scope);
        for (const a of args) this.expr(a, scope);
        return;
      }
      case "CondExpr": {
        const [test, whenTrue, whenFalse] = n.children;
        this.expr(test!, scope);
        const t = new Scope(scope);
        for (const name of definedWhen(test!, true)) t.bind(name);
        this.expr(whenTrue!, t);
        if (whenFalse) {
          const f = new Scope(scope);
          for (const name of definedWhen(test!, false)) f.bind(name);
          this.expr(whenFalse, f);
        }
        return;
      }
      case "And":
      case "Or": {
        // The right side runs only when the left was true (and) or false (or).
        const [left, right] = n.children;
        this.expr(left!, scope);
        const s = new Scope(scope);
        for (const name of definedWhen(left!, n.kind === "And")) s.bind(name);
        this.expr(right!, s);
        return;
      }
      case "Getattr":
        if (n.name!.startsWith("_")) this.found.unsafeAttributes.add(n.name!);
        this.param(n, scope);
        this.expr(n.children[0]!, scope);
        return;
      case "Getitem": {
        const key = n.children[1]!;
        if (key.kind === "Const" && typeof key.value === "string" && key.value.startsWith("_"))
          this.found.unsafeAttributes.add(key.value);
        this.param(n, scope);
        for (const c of n.children) this.expr(c, scope);
        return;
      }
      default:
        for (const c of n.children) this.expr(c, scope);
    }
  }
}

/**
 * The attributes of the `params` mapping in a template (a dict, or Airflow's
 * ParamsDict, on 2.10.3 and 3.3.1): Jinja resolves `params.<name>` as an
 * attribute first, so `params.get(...)` calls the method and never reads a
 * param named "get" (which pipegen therefore refuses to declare).
 */
export const PARAMS_ATTRIBUTES: ReadonlySet<string> = new Set([
  "clear",
  "copy",
  "deserialize",
  "dump",
  "filter_params_by_source",
  "fromkeys",
  "get",
  "get_param",
  "items",
  "keys",
  "pop",
  "popitem",
  "serialize",
  "setdefault",
  "suppress_exception",
  "update",
  "validate",
  "values",
]);

/** The param a node reads from the context's `params` (not a local of that name), or undefined. */
function paramRead(n: Node, scope: Scope): string | undefined {
  const [target, key] = n.children;
  if (target?.kind !== "Name" || target.name !== "params" || scope.has("params")) return undefined;
  if (n.kind === "Getattr") return PARAMS_ATTRIBUTES.has(n.name!) ? undefined : n.name;
  if (n.kind === "Getitem" && key?.kind === "Const" && typeof key.value === "string") return key.value;
  return undefined;
}

/** A name, or a param read, that `| default(...)` and `is defined` may guard. */
function mayBeUndefined(n: Node, scope: Scope): boolean {
  return n.kind === "Name" || paramRead(n, scope) !== undefined;
}

/** Names a test proves defined when it evaluates to `outcome`. */
function definedWhen(test: Node, outcome: boolean): string[] {
  const subject = test.kind === "Test" ? test.children[0]! : undefined;
  // A param read proven defined is bound as "params.<name>" (no Jinja name has a dot).
  const param = subject && subject.kind !== "Name" ? paramRead(subject, new Scope(undefined)) : undefined;
  if (subject && (subject.kind === "Name" || param !== undefined)) {
    const name = param === undefined ? subject.name! : `params.${param}`;
    if (test.name === "defined" && outcome) return [name];
    if (test.name === "undefined" && !outcome) return [name];
    return [];
  }
  if (test.kind === "Not") return definedWhen(test.children[0]!, !outcome);
  if (test.kind === "And" && outcome) return test.children.flatMap((c) => definedWhen(c, true));
  if (test.kind === "Or" && !outcome) return test.children.flatMap((c) => definedWhen(c, false));
  return [];
}
