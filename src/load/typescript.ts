/**
 * Loads a TypeScript spec (transpiled by sucrase) and locates spec paths in
 * its source with the TypeScript parser, so that problems in `.ts` specs get
 * file:line:col just like YAML ones. The parser is large, so it is loaded
 * only when a problem needs a position.
 */

import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileFunction } from "node:vm";
import { createJiti } from "jiti";
import { transform } from "sucrase";
import type ts from "typescript";
import type { Problem } from "../errors.js";
import * as specApi from "../spec/define.js";
import { EnvAccessError, type EnvironmentChoice, envObject, NO_ENVIRONMENT } from "./environment.js";
import type { LoadedSpec, Locator, Position } from "./source.js";

/**
 * What `import { definePipeline } from "pipegen"` in a spec resolves to: the
 * module that defines it and nothing else (types are erased), already loaded.
 */
const SPEC_API = fileURLToPath(new URL("../spec/define.js", import.meta.url));

let typescriptModule: typeof ts | undefined;

function typescript(): typeof ts {
  typescriptModule ??= createRequire(import.meta.url)("typescript") as typeof ts;
  return typescriptModule;
}

export interface TypeScriptLoadOptions {
  /** What the module exports: a pipeline (default), or the project config. */
  readonly exports?: "pipeline" | "config";
  /** The environment a spec that exports a function is built for. */
  readonly env?: EnvironmentChoice;
}

export async function loadTypeScriptSpec(
  file: string,
  absolutePath: string,
  text: string,
  options: TypeScriptLoadOptions = {},
): Promise<LoadedSpec | Problem[]> {
  const config = options.exports === "config";
  let source: ts.SourceFile | undefined;
  const parsed = () =>
    (source ??= typescript().createSourceFile(
      absolutePath,
      text,
      typescript().ScriptTarget.ES2022,
      true,
      typescript().ScriptKind.TS,
    ));

  let exported: unknown;
  let code: string | undefined;
  try {
    code = transpile(text, absolutePath);
    exported = evaluate(absolutePath, code);
  } catch (error) {
    const syntax = syntaxProblems(file, parsed(), text);
    if (syntax.length > 0) return syntax;
    const missing = missingModule(error);
    const what = config ? "config" : "spec";
    return [
      {
        file,
        ...((missing !== undefined ? positionOfSpecifier(text, missing) : undefined) ??
          thrownPosition(error, absolutePath, text, code)),
        path: "",
        message: `the ${what} threw while loading: ${errorMessage(error)}`,
        hint:
          missing !== undefined
            ? `check the import: relative paths are resolved from the ${what}'s folder, packages from its node_modules`
            : `a ${what} module must only build and export its ${config ? "config" : "pipeline"}`,
      },
    ];
  }
  if (exported === undefined) {
    return [
      {
        file,
        line: 1,
        column: 1,
        path: "",
        message: "has no default export",
        hint: `end the file with \`export default ${config ? "defineConfig" : "definePipeline"}({ ... })\``,
      },
    ];
  }
  let locator: Locator | undefined;
  const locate: Locator = (path, options) => (locator ??= typeScriptLocator(parsed()))(path, options);
  if (typeof exported === "function" && !config) {
    // A spec that depends on the environment: build it for the one given.
    const envReads: string[] = [];
    try {
      exported = (exported as (context: { env: unknown }) => unknown)({
        env: envObject(options.env ?? NO_ENVIRONMENT, (name) => envReads.push(name)),
      });
    } catch (error) {
      const fromEnv = error instanceof EnvAccessError;
      return [
        {
          file,
          ...thrownPosition(error, absolutePath, text, code),
          path: "",
          message: fromEnv ? error.message : `the spec's function threw: ${errorMessage(error)}`,
          hint: fromEnv ? error.hint : "a spec function must only build and return its pipeline",
        },
      ];
    }
    const notData = notPlainData(exported, config);
    if (notData)
      return [
        {
          file,
          ...locate([]),
          path: "",
          message: `the exported function returned ${notData.what}`,
          hint: notData.hint,
        },
      ];
    return { file, data: exported, locate, envReads };
  }
  const notData = notPlainData(exported, config);
  if (notData)
    return [{ file, ...locate([]), path: "", message: `the default export is ${notData.what}`, hint: notData.hint }];
  return { file, data: exported, locate };
}

/** Where an error was thrown in the spec's own source, or the whole file when the stack does not say. */
function thrownPosition(error: unknown, absolutePath: string, text: string, code: string | undefined): Position {
  const thrownAt = positionFromStack(error, absolutePath);
  return thrownAt && code !== undefined ? originalPosition(text, code, thrownAt) : { line: 0, column: 0 };
}

/**
 * A value that is not the pipeline's (or config's) data: a Promise (an async
 * builder, or a missing `await`), or a function (a config builder, or a spec
 * function that returns one). Checked before the schema, which would report
 * each missing key instead.
 */
function notPlainData(exported: unknown, config: boolean): { what: string; hint: string } | undefined {
  const it = config ? "the config" : "the pipeline";
  if (exported !== null && typeof exported === "object" && typeof (exported as { then?: unknown }).then === "function")
    return {
      what: "a Promise",
      hint: `export ${it} itself: pipegen does not await a ${config ? "config" : "spec"}; build it synchronously, or use top-level values only`,
    };
  if (typeof exported === "function")
    return {
      what: "a function",
      hint: config
        ? "export the config itself, e.g. `export default defineConfig({ ... })`"
        : "return the pipeline itself, e.g. `definePipeline(({ env }) => ({ ... }))`",
    };
  return undefined;
}

/**
 * Runs a transpiled spec as a CommonJS module and returns its default export
 * (undefined when it has none). The spec itself is evaluated here, with
 * `pipegen` bound to the loaded `definePipeline` module, because most specs
 * import nothing else and a module loader per spec was most of the cost of
 * rendering many of them.
 * Anything else a spec imports (shared constants in a sibling `.ts` file, a
 * package) goes through jiti, which transpiles TypeScript on the way; it is
 * created without a module cache so that every load sees files as they are.
 */
function evaluate(absolutePath: string, code: string): unknown {
  const run = compileFunction(code, ["exports", "require", "module", "__filename", "__dirname"], {
    filename: absolutePath,
  });
  let jiti: ReturnType<typeof createJiti> | undefined;
  const require = (id: string): unknown => {
    if (id === "pipegen") return specApi;
    jiti ??= createJiti(absolutePath, {
      alias: { pipegen: SPEC_API },
      moduleCache: false,
      fsCache: false,
      transform: (options) => ({ code: transpile(options.source, options.filename, options.ts !== false) }),
    });
    return jiti(id);
  };
  const exports: Record<string, unknown> = {};
  const module: { exports: unknown } = { exports };
  run.call(exports, exports, require, module, absolutePath, path.dirname(absolutePath));
  // `export =` replaces the exports object; otherwise the spec is the default export.
  if (module.exports !== exports) return module.exports;
  return exports.default;
}

/**
 * Turns a spec, or a module it imports, into CommonJS; jiti uses it too, so
 * there is one transpiler. Sucrase only strips types and rewrites imports:
 * in-process, it takes a fraction of a millisecond a spec, where esbuild's
 * round trip to its service took about half of one and jiti's Babel ten.
 * It keeps every line where it was, which is how a throw is placed.
 */
function transpile(source: string, filename: string | undefined, typescript = true): string {
  return transform(source, {
    transforms: typescript ? ["typescript", "imports"] : ["imports"],
    // Node 20 runs modern syntax as written: only types and imports change.
    disableESTransforms: true,
    ...(filename ? { filePath: filename } : {}),
  }).code;
}

/**
 * Maps a 1-based position in transpiled code back to the spec's source. The
 * line is the same; the column comes from aligning the two lines (their
 * longest common subsequence): sucrase removes types and adds import
 * plumbing, and keeps everything else in order. (Sucrase's own source maps
 * stop mapping after a template literal with a substitution.)
 */
export function originalPosition(source: string, transpiled: string, at: Position): Position {
  const from = source.split(/\r?\n/)[at.line - 1];
  const to = transpiled.split(/\r?\n/)[at.line - 1];
  if (from === undefined || to === undefined || at.column < 1 || at.column > to.length) return at;
  const firstCharacter = { line: at.line, column: from.search(/\S|$/) + 1 };
  // A minified one-line spec would make the table too large; the line is still right.
  if ((from.length + 1) * (to.length + 1) > 4_000_000) return firstCharacter;
  const column = alignedColumn(from, to, at.column - 1);
  return column === undefined ? firstCharacter : { line: at.line, column: column + 1 };
}

/** The index in `from` of the character at `index` in `to`, or of the next one both lines share. */
function alignedColumn(from: string, to: string, index: number): number | undefined {
  const width = from.length + 1;
  // common[i * width + j]: length of the longest common subsequence of to[i..] and from[j..].
  const common = new Uint16Array((to.length + 1) * width);
  for (let i = to.length - 1; i >= 0; i--)
    for (let j = from.length - 1; j >= 0; j--)
      common[i * width + j] =
        to[i] === from[j]
          ? common[(i + 1) * width + j + 1]! + 1
          : Math.max(common[(i + 1) * width + j]!, common[i * width + j + 1]!);
  let i = 0;
  let j = 0;
  while (i < to.length && j < from.length) {
    if (to[i] === from[j] && common[i * width + j] === common[(i + 1) * width + j + 1]! + 1) {
      if (i >= index) return j;
      i++;
      j++;
    } else if (common[(i + 1) * width + j]! >= common[i * width + j + 1]!) i++;
    else j++;
  }
  return undefined;
}

function syntaxProblems(file: string, source: ts.SourceFile, text: string): Problem[] {
  const ts = typescript();
  const { diagnostics = [] } = ts.transpileModule(text, {
    fileName: source.fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return diagnostics.map((d) => {
    const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
    return {
      file,
      line: line + 1,
      column: character + 1,
      path: "",
      message: `TypeScript syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
      hint: "fix the syntax; nothing was rendered",
    };
  });
}

function typeScriptLocator(source: ts.SourceFile): Locator {
  const ts = typescript();
  const root = specRoot(source);
  const position = (node: ts.Node): Position => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    return { line: line + 1, column: character + 1 };
  };
  return (path, options) => {
    let node: ts.Node | undefined = root;
    let at: ts.Node = root ?? source;
    for (const [i, seg] of path.entries()) {
      node = node && unwrap(node);
      if (node && ts.isObjectLiteralExpression(node)) {
        const prop = node.properties.find((p) => p.name && propertyName(p.name) === String(seg));
        if (!prop) break;
        if (options?.key && i === path.length - 1) {
          at = prop.name ?? prop;
          break;
        }
        node = ts.isPropertyAssignment(prop) ? prop.initializer : prop;
        at = node;
      } else if (node && ts.isArrayLiteralExpression(node) && typeof seg === "number" && node.elements[seg]) {
        node = node.elements[seg];
        at = node;
      } else break;
    }
    return position(at);
  };
}

/** Finds the object literal a spec exports: `export default definePipeline({...})` or a variable holding it. */
function specRoot(source: ts.SourceFile): ts.Node | undefined {
  const ts = typescript();
  const exported = source.statements.find(ts.isExportAssignment)?.expression;
  if (!exported) return undefined;
  let node: ts.Node = unwrap(exported);
  if (ts.isIdentifier(node)) {
    const name = node.text;
    for (const statement of source.statements)
      if (ts.isVariableStatement(statement))
        for (const decl of statement.declarationList.declarations)
          if (ts.isIdentifier(decl.name) && decl.name.text === name && decl.initializer)
            node = unwrap(decl.initializer);
  }
  return node;
}

/**
 * Looks through `definePipeline(...)`, `as`, `satisfies` and parentheses, and
 * into a spec function: its expression body, or what its body returns last.
 */
function unwrap(node: ts.Node): ts.Node {
  const ts = typescript();
  for (;;) {
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node))
      node = node.expression;
    else if (ts.isCallExpression(node) && node.arguments.length === 1) node = node.arguments[0]!;
    else if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      if (!ts.isBlock(node.body)) node = node.body;
      else {
        const returned = node.body.statements.filter(ts.isReturnStatement).at(-1)?.expression;
        if (!returned) return node;
        node = returned;
      }
    } else return node;
  }
}

function propertyName(name: ts.PropertyName): string | undefined {
  const ts = typescript();
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** The module id of a "Cannot find module" error, or undefined for any other error. */
function missingModule(error: unknown): string | undefined {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== "MODULE_NOT_FOUND") return undefined;
  return /Cannot find module '([^']+)'/.exec(errorMessage(error))?.[1];
}

/** Where the spec names a module it imports: the opening quote of the first `"id"` or `'id'`. */
function positionOfSpecifier(text: string, id: string): Position | undefined {
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const at = [`"${id}"`, `'${id}'`].map((quoted) => line.indexOf(quoted)).filter((c) => c >= 0);
    if (at.length > 0) return { line: i + 1, column: Math.min(...at) + 1 };
  }
  return undefined;
}

function positionFromStack(error: unknown, absolutePath: string): Position | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  for (const line of stack.split("\n")) {
    const at = line.lastIndexOf(`${absolutePath}:`);
    if (at < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(line.slice(at + absolutePath.length));
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}
