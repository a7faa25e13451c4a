/**
 * Jinja's parser, ported from jinja2/parser.py (Jinja 3.1) with the `do`
 * extension that Airflow's template environment loads. It builds only what
 * pipegen checks: names read and written, filters, tests, attributes and
 * the statements that open scopes. Messages follow Jinja's where they can.
 */
import { JinjaSyntaxError, type Token, tokenize } from "./lexer.js";

/** A node of the template. `kind` names Jinja's node class. */
export interface Node {
  readonly kind: string;
  readonly line: number;
  /** Child expressions, in evaluation order. */
  readonly children: readonly Node[];
  /** Name, filter, test or attribute name, where the node has one. */
  readonly name?: string;
  /** Name: "load", "store" or "param". */
  readonly ctx?: "load" | "store" | "param";
  /** Constant value of a Const. */
  readonly value?: unknown;
  /** Statements: bodies, in order (If: body, then elifs..., else; For: body, else). */
  readonly bodies?: readonly (readonly Node[])[];
  /** For, With, Macro, CallBlock: the targets bound in the body (For: also its filter test). */
  readonly targets?: readonly Node[];
  /** Block: scoped. */
  readonly scoped?: boolean;
}

const STATEMENTS = new Set([
  "for",
  "if",
  "block",
  "extends",
  "print",
  "macro",
  "include",
  "from",
  "import",
  "set",
  "with",
  "autoescape",
  "call",
  "filter",
  "do",
]);
const COMPARE: Record<string, string> = { "==": "eq", "!=": "ne", "<": "lt", "<=": "lteq", ">": "gt", ">=": "gteq" };

/** Parses a template; throws JinjaSyntaxError as Jinja would raise TemplateSyntaxError. */
export function parse(source: string, options: { placeholders?: boolean } = {}): Node[] {
  return new Parser(tokenize(source, options)).parseTemplate();
}

function node(kind: string, line: number, children: Node[] = [], extra: Partial<Node> = {}): Node {
  return { kind, line, children, ...extra };
}

/** How Jinja names a token expression in messages (describe_token_expr). */
function describe(expr: string): string {
  const [type, value] = expr.includes(":") ? expr.split(":") : [expr, undefined];
  if (type === "name" && value !== undefined) return value;
  return (
    {
      variable_end: "end of print statement",
      block_end: "end of statement",
      eof: "end of template",
      name: "name",
      string: "string",
      integer: "integer",
      float: "float",
    }[type!] ?? type!
  );
}

/** How Jinja names a token in messages (describe_token). */
function describeToken(t: Token): string {
  if (t.type === "name" || t.type === "operator") return t.value;
  return describe(t.type);
}

class Parser {
  private i = 0;
  private readonly tagStack: string[] = [];
  private readonly endTokenStack: string[][] = [];

  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.i]!;
  }

  private look(): Token {
    return this.tokens[Math.min(this.i + 1, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.current;
    if (t.type !== "eof") this.i++;
    return t;
  }

  private fail(message: string, line = this.current.line): never {
    throw new JinjaSyntaxError(message, line);
  }

  /** `name:for`, `name`, `block_end`, or an operator such as `(`. */
  private test(expr: string, t = this.current): boolean {
    if (expr.startsWith("name:")) return t.type === "name" && t.value === expr.slice(5);
    if (expr === "name" || expr === "string" || expr === "integer" || expr === "float") return t.type === expr;
    if (expr === "block_end" || expr === "variable_end" || expr === "eof") return t.type === expr;
    return t.type === "operator" && t.value === expr;
  }

  private skipIf(expr: string): boolean {
    if (!this.test(expr)) return false;
    this.next();
    return true;
  }

  private expect(expr: string): Token {
    if (this.test(expr)) return this.next();
    const what = describe(expr);
    if (this.current.type === "eof") this.fail(`unexpected end of template, expected '${what}'.`);
    return this.fail(`expected token '${what}', got '${describeToken(this.current)}'`);
  }

  parseTemplate(): Node[] {
    return this.subparse(undefined);
  }

  private failUnknownOrEof(name: string | undefined, stack: string[][], line?: number): never {
    const expected = new Set(stack.flat().map(describe));
    const looking =
      stack.length > 0
        ? stack
            .at(-1)!
            .map((e) => `'${describe(e)}'`)
            .join(" or ")
        : undefined;
    const message = [name === undefined ? "Unexpected end of template." : `Encountered unknown tag '${name}'.`];
    if (looking)
      message.push(
        name !== undefined && expected.has(name)
          ? `You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for ${looking}.`
          : `Jinja was looking for the following tags: ${looking}.`,
      );
    if (this.tagStack.length > 0)
      message.push(`The innermost block that needs to be closed is '${this.tagStack.at(-1)}'.`);
    return this.fail(message.join(" "), line);
  }

  private subparse(endTokens: string[] | undefined): Node[] {
    const body: Node[] = [];
    if (endTokens) this.endTokenStack.push(endTokens);
    try {
      while (this.current.type !== "eof") {
        const t = this.current;
        if (t.type === "data" || t.type === "raw") {
          body.push(node("TemplateData", t.line, [], { value: t.value }));
          this.next();
        } else if (t.type === "comment") this.next();
        else if (t.type === "variable_begin") {
          this.next();
          body.push(node("Output", t.line, [this.parseTuple({ withCondexpr: true })]));
          this.expect("variable_end");
        } else if (t.type === "block_begin") {
          this.next();
          if (endTokens?.some((e) => this.test(e))) return body;
          body.push(this.parseStatement());
          this.expect("block_end");
        } else this.fail(`unexpected '${describeToken(t)}'`);
      }
    } finally {
      if (endTokens) this.endTokenStack.pop();
    }
    return body;
  }

  private parseStatement(): Node {
    const t = this.current;
    if (t.type !== "name") this.fail("tag name expected", t.line);
    if (!STATEMENTS.has(t.value)) return this.failUnknownOrEof(t.value, this.endTokenStack, t.line);
    this.tagStack.push(t.value);
    try {
      switch (t.value) {
        case "for":
          return this.parseFor();
        case "if":
          return this.parseIf();
        case "block":
          return this.parseBlock();
        case "extends":
        case "include":
        case "import":
        case "from":
          return this.parseImportLike(t.value);
        case "print":
          return this.parsePrint();
        case "macro":
          return this.parseMacro();
        case "set":
          return this.parseSet();
        case "with":
          return this.parseWith();
        case "autoescape": {
          const line = this.next().line;
          const option = this.parseExpression();
          return node("Scope", line, [option], { bodies: [this.parseStatements(["name:endautoescape"], true)] });
        }
        case "call":
          return this.parseCallBlock();
        case "filter": {
          const line = this.next().line;
          const filter = this.parseFilter(undefined, true)!;
          return node("FilterBlock", line, [filter], { bodies: [this.parseStatements(["name:endfilter"], true)] });
        }
        default: {
          // do (jinja2.ext.do)
          const line = this.next().line;
          return node("ExprStmt", line, [this.parseTuple({})]);
        }
      }
    } finally {
      this.tagStack.pop();
    }
  }

  private parseStatements(endTokens: string[], dropNeedle = false): Node[] {
    this.skipIf(":");
    this.expect("block_end");
    const result = this.subparse(endTokens);
    if (this.current.type === "eof") this.failUnknownOrEof(undefined, [...this.endTokenStack, endTokens]);
    if (dropNeedle) this.next();
    return result;
  }

  private parseSet(): Node {
    const line = this.next().line;
    const target = this.parseAssignTarget({ withNamespace: true });
    if (this.skipIf("=")) return node("Assign", line, [this.parseTuple({}), target]);
    const filter = this.parseFilter(undefined);
    const body = this.parseStatements(["name:endset"], true);
    return node("AssignBlock", line, filter ? [filter, target] : [target], { bodies: [body] });
  }

  private parseFor(): Node {
    const line = this.expect("name:for").line;
    const target = this.parseAssignTarget({ extraEndRules: ["name:in"] });
    this.expect("name:in");
    const iter = this.parseTuple({ withCondexpr: false, extraEndRules: ["name:recursive"] });
    const test = this.skipIf("name:if") ? this.parseExpression() : undefined;
    this.skipIf("name:recursive");
    const body = this.parseStatements(["name:endfor", "name:else"]);
    const elseBody = this.next().value === "endfor" ? [] : this.parseStatements(["name:endfor"], true);
    return node("For", line, [iter], { targets: test ? [target, test] : [target], bodies: [body, elseBody] });
  }

  private parseIf(): Node {
    const line = this.expect("name:if").line;
    const tests: Node[] = [];
    const bodies: Node[][] = [];
    for (;;) {
      tests.push(this.parseTuple({ withCondexpr: false }));
      bodies.push(this.parseStatements(["name:elif", "name:else", "name:endif"]));
      const t = this.next();
      if (t.type === "name" && t.value === "elif") continue;
      if (t.type === "name" && t.value === "else") bodies.push(this.parseStatements(["name:endif"], true));
      break;
    }
    // children: the tests; bodies: one per test, then the else body if any.
    return node("If", line, tests, { bodies });
  }

  private parseWith(): Node {
    const line = this.next().line;
    const targets: Node[] = [];
    const values: Node[] = [];
    while (this.current.type !== "block_end") {
      if (targets.length > 0) this.expect(",");
      targets.push(withCtx(this.parseAssignTarget({}), "param"));
      this.expect("=");
      values.push(this.parseExpression());
    }
    return node("With", line, values, { targets, bodies: [this.parseStatements(["name:endwith"], true)] });
  }

  private parseBlock(): Node {
    const line = this.next().line;
    const name = this.expect("name").value;
    const scoped = this.skipIf("name:scoped");
    const required = this.skipIf("name:required");
    if (this.test("-"))
      this.fail(
        "Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.",
      );
    const body = this.parseStatements(["name:endblock"], true);
    if (required && body.some((n) => n.kind !== "TemplateData" || !/^\s+$/.test(String(n.value))))
      this.fail("Required blocks can only contain comments or whitespace");
    this.skipIf(`name:${name}`);
    return node("Block", line, [], { name, scoped, bodies: [body] });
  }

  /** extends, include, import, from: parsed as Jinja does; pipegen refuses them later. */
  private parseImportLike(tag: string): Node {
    const line = this.next().line;
    const template = this.parseExpression();
    const context = () => {
      if ((this.test("name:with") || this.test("name:without")) && this.test("name:context", this.look())) {
        this.next();
        this.next();
        return true;
      }
      return false;
    };
    const targets: Node[] = [];
    if (tag === "include") {
      if (this.test("name:ignore") && this.test("name:missing", this.look())) {
        this.next();
        this.next();
      }
      context();
    } else if (tag === "import") {
      this.expect("name:as");
      targets.push(this.parseAssignTarget({ nameOnly: true }));
      context();
    } else if (tag === "from") {
      this.expect("name:import");
      for (;;) {
        if (targets.length > 0) this.expect(",");
        if (this.current.type === "name") {
          if (context()) break;
          const target = this.parseAssignTarget({ nameOnly: true });
          if (target.name!.startsWith("_")) this.fail("names starting with an underline can not be imported");
          targets.push(this.skipIf("name:as") ? this.parseAssignTarget({ nameOnly: true }) : target);
          if (context() || !this.test(",")) break;
        } else this.expect("name");
      }
    }
    return node(tag === "extends" ? "Extends" : tag === "include" ? "Include" : "Import", line, [template], {
      targets,
      name: tag,
    });
  }

  private parseSignature(): { args: Node[]; defaults: Node[] } {
    const args: Node[] = [];
    const defaults: Node[] = [];
    this.expect("(");
    while (!this.test(")")) {
      if (args.length > 0) this.expect(",");
      const arg = withCtx(this.parseAssignTarget({ nameOnly: true }), "param");
      if (this.skipIf("=")) defaults.push(this.parseExpression());
      else if (defaults.length > 0) this.fail("non-default argument follows default argument");
      args.push(arg);
    }
    this.expect(")");
    return { args, defaults };
  }

  private parseCallBlock(): Node {
    const line = this.next().line;
    const { args, defaults } = this.test("(") ? this.parseSignature() : { args: [], defaults: [] };
    const call = this.parseExpression();
    if (call.kind !== "Call") this.fail("expected call", line);
    const body = this.parseStatements(["name:endcall"], true);
    return node("CallBlock", line, [call, ...defaults], { targets: args, bodies: [body] });
  }

  private parseMacro(): Node {
    const line = this.next().line;
    const name = this.parseAssignTarget({ nameOnly: true }).name!;
    const { args, defaults } = this.parseSignature();
    const body = this.parseStatements(["name:endmacro"], true);
    return node("Macro", line, defaults, { name, targets: args, bodies: [body] });
  }

  private parsePrint(): Node {
    const line = this.next().line;
    const items: Node[] = [];
    while (this.current.type !== "block_end") {
      if (items.length > 0) this.expect(",");
      items.push(this.parseExpression());
    }
    return node("Output", line, items);
  }

  private parseAssignTarget(o: {
    withTuple?: boolean;
    nameOnly?: boolean;
    extraEndRules?: string[];
    withNamespace?: boolean;
  }): Node {
    let target: Node;
    if (o.nameOnly) {
      const t = this.expect("name");
      target = node("Name", t.line, [], { name: t.value, ctx: "store" });
    } else {
      target =
        o.withTuple === false
          ? this.parsePrimary(o.withNamespace)
          : this.parseTuple({ simplified: true, extraEndRules: o.extraEndRules, withNamespace: o.withNamespace });
      target = withCtx(target, "store");
    }
    if (!canAssign(target)) this.fail(`can't assign to '${target.kind.toLowerCase()}'`, target.line);
    return target;
  }

  private parseExpression(withCondexpr = true): Node {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  private parseCondexpr(): Node {
    let line = this.current.line;
    let expr1 = this.parseOr();
    while (this.skipIf("name:if")) {
      const expr2 = this.parseOr();
      const expr3 = this.skipIf("name:else") ? this.parseCondexpr() : undefined;
      // children: test, then the value when true, then the value when false.
      expr1 = node("CondExpr", line, expr3 ? [expr2, expr1, expr3] : [expr2, expr1]);
      line = this.current.line;
    }
    return expr1;
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.test("name:or")) {
      const line = this.next().line;
      left = node("Or", line, [left, this.parseAnd()]);
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.test("name:and")) {
      const line = this.next().line;
      left = node("And", line, [left, this.parseNot()]);
    }
    return left;
  }

  private parseNot(): Node {
    if (this.test("name:not")) {
      const line = this.next().line;
      return node("Not", line, [this.parseNot()]);
    }
    return this.parseCompare();
  }

  private parseCompare(): Node {
    const line = this.current.line;
    const operands = [this.parseMath1()];
    for (;;) {
      if (this.current.type === "operator" && this.current.value in COMPARE) this.next();
      else if (this.skipIf("name:in")) {
        /* in */
      } else if (this.test("name:not") && this.test("name:in", this.look())) {
        this.next();
        this.next();
      } else break;
      operands.push(this.parseMath1());
    }
    return operands.length === 1 ? operands[0]! : node("Compare", line, operands);
  }

  private parseBinary(ops: string[], next: () => Node, kind: string): Node {
    let left = next();
    while (this.current.type === "operator" && ops.includes(this.current.value)) {
      const line = this.next().line;
      left = node(kind, line, [left, next()]);
    }
    return left;
  }

  private parseMath1(): Node {
    return this.parseBinary(["+", "-"], () => this.parseConcat(), "BinOp");
  }

  private parseConcat(): Node {
    const line = this.current.line;
    const args = [this.parseMath2()];
    while (this.test("~")) {
      this.next();
      args.push(this.parseMath2());
    }
    return args.length === 1 ? args[0]! : node("Concat", line, args);
  }

  private parseMath2(): Node {
    return this.parseBinary(["*", "/", "//", "%"], () => this.parsePow(), "BinOp");
  }

  private parsePow(): Node {
    return this.parseBinary(["**"], () => this.parseUnary(), "BinOp");
  }

  private parseUnary(withFilter = true): Node {
    let n: Node;
    if (this.test("-") || this.test("+")) {
      const line = this.next().line;
      n = node("Unary", line, [this.parseUnary(false)]);
    } else n = this.parsePrimary();
    n = this.parsePostfix(n);
    return withFilter ? this.parseFilterExpr(n) : n;
  }

  private parsePrimary(withNamespace = false): Node {
    const t = this.current;
    if (t.type === "name") {
      this.next();
      if (["true", "false", "True", "False"].includes(t.value))
        return node("Const", t.line, [], { value: t.value === "true" || t.value === "True" });
      if (t.value === "none" || t.value === "None") return node("Const", t.line, [], { value: null });
      if (withNamespace && this.test(".")) {
        this.next();
        const attr = this.expect("name");
        return node("NSRef", t.line, [], { name: t.value, value: attr.value });
      }
      return node("Name", t.line, [], { name: t.value, ctx: "load" });
    }
    if (t.type === "string") {
      let value = "";
      while (this.current.type === "string") value += this.next().value;
      return node("Const", t.line, [], { value });
    }
    if (t.type === "integer" || t.type === "float") {
      this.next();
      return node("Const", t.line, [], { value: t.value });
    }
    if (t.type === "placeholder") {
      this.next();
      return node("Placeholder", t.line, [], { value: t.value });
    }
    if (this.test("(")) {
      this.next();
      const n = this.parseTuple({ explicitParentheses: true });
      this.expect(")");
      return n;
    }
    if (this.test("[")) return this.parseList();
    if (this.test("{")) return this.parseDict();
    return this.fail(`unexpected '${describeToken(t)}'`, t.line);
  }

  private isTupleEnd(extraEndRules?: string[]): boolean {
    const t = this.current;
    if (t.type === "variable_end" || t.type === "block_end" || this.test(")")) return true;
    return extraEndRules?.some((e) => this.test(e)) ?? false;
  }

  private parseTuple(o: {
    simplified?: boolean;
    withCondexpr?: boolean;
    extraEndRules?: string[];
    explicitParentheses?: boolean;
    withNamespace?: boolean;
  }): Node {
    const line = this.current.line;
    const parseOne = () =>
      o.simplified ? this.parsePrimary(o.withNamespace) : this.parseExpression(o.withCondexpr ?? true);
    const args: Node[] = [];
    let isTuple = false;
    for (;;) {
      if (args.length > 0) this.expect(",");
      if (this.isTupleEnd(o.extraEndRules)) break;
      args.push(parseOne());
      if (this.test(",")) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (args.length > 0) return args[0]!;
      if (!o.explicitParentheses) this.fail(`Expected an expression, got '${describeToken(this.current)}'`);
    }
    return node("Tuple", line, args);
  }

  private parseList(): Node {
    const line = this.expect("[").line;
    const items: Node[] = [];
    while (!this.test("]")) {
      if (items.length > 0) this.expect(",");
      if (this.test("]")) break;
      items.push(this.parseExpression());
    }
    this.expect("]");
    return node("List", line, items);
  }

  private parseDict(): Node {
    const line = this.expect("{").line;
    const items: Node[] = [];
    while (!this.test("}")) {
      if (items.length > 0) this.expect(",");
      if (this.test("}")) break;
      items.push(this.parseExpression());
      this.expect(":");
      items.push(this.parseExpression());
    }
    this.expect("}");
    return node("Dict", line, items);
  }

  private parsePostfix(n: Node): Node {
    for (;;) {
      if (this.test(".") || this.test("[")) n = this.parseSubscript(n);
      else if (this.test("(")) n = this.parseCall(n);
      else return n;
    }
  }

  private parseFilterExpr(n: Node): Node {
    for (;;) {
      if (this.test("|")) n = this.parseFilter(n)!;
      else if (this.test("name:is")) n = this.parseTest(n);
      else if (this.test("(")) n = this.parseCall(n);
      else return n;
    }
  }

  private parseSubscript(n: Node): Node {
    const t = this.next();
    if (t.value === ".") {
      const attr = this.current;
      this.next();
      if (attr.type === "name") return node("Getattr", t.line, [n], { name: attr.value });
      if (attr.type !== "integer") this.fail("expected name or number", attr.line);
      return node("Getitem", t.line, [n, node("Const", attr.line, [], { value: attr.value })]);
    }
    const args: Node[] = [];
    while (!this.test("]")) {
      if (args.length > 0) this.expect(",");
      args.push(this.parseSubscribed());
    }
    this.expect("]");
    return node("Getitem", t.line, [n, args.length === 1 ? args[0]! : node("Tuple", t.line, args)]);
  }

  private parseSubscribed(): Node {
    const line = this.current.line;
    const parts: Node[] = [];
    if (this.test(":")) this.next();
    else {
      const n = this.parseExpression();
      if (!this.test(":")) return n;
      this.next();
      parts.push(n);
    }
    if (!this.test(":") && !this.test("]") && !this.test(",")) parts.push(this.parseExpression());
    if (this.test(":")) {
      this.next();
      if (!this.test("]") && !this.test(",")) parts.push(this.parseExpression());
    }
    return node("Slice", line, parts);
  }

  /** Arguments of a call, filter or test: positional and keyword values, `*args` and `**kwargs`. */
  private parseCallArgs(): Node[] {
    const token = this.expect("(");
    const values: Node[] = [];
    let dynArgs = false;
    let dynKwargs = false;
    let kwargs = false;
    let requireComma = false;
    const ensure = (ok: boolean) => {
      if (!ok) this.fail("invalid syntax for function call expression", token.line);
    };
    while (!this.test(")")) {
      if (requireComma) {
        this.expect(",");
        if (this.test(")")) break;
      }
      if (this.test("*")) {
        ensure(!dynArgs && !dynKwargs);
        this.next();
        dynArgs = true;
      } else if (this.test("**")) {
        ensure(!dynKwargs);
        this.next();
        dynKwargs = true;
      } else if (this.current.type === "name" && this.test("=", this.look())) {
        ensure(!dynKwargs);
        this.next();
        this.next();
        kwargs = true;
      } else ensure(!dynArgs && !dynKwargs && !kwargs);
      values.push(this.parseExpression());
      requireComma = true;
    }
    this.expect(")");
    return values;
  }

  private parseCall(n: Node): Node {
    const line = this.current.line;
    return node("Call", line, [n, ...this.parseCallArgs()]);
  }

  private parseFilter(n: Node | undefined, startInline = false): Node | undefined {
    while (this.test("|") || startInline) {
      if (!startInline) this.next();
      const t = this.expect("name");
      let name = t.value;
      while (this.test(".")) {
        this.next();
        name += `.${this.expect("name").value}`;
      }
      const args = this.test("(") ? this.parseCallArgs() : [];
      n = node("Filter", t.line, n ? [n, ...args] : args, { name, value: n !== undefined });
      startInline = false;
    }
    return n;
  }

  private parseTest(n: Node): Node {
    const t = this.next();
    const negated = this.skipIf("name:not");
    let name = this.expect("name").value;
    while (this.test(".")) {
      this.next();
      name += `.${this.expect("name").value}`;
    }
    let args: Node[] = [];
    const c = this.current;
    if (this.test("(")) args = this.parseCallArgs();
    else if (
      (["name", "string", "integer", "float"].includes(c.type) || this.test("[") || this.test("{")) &&
      !this.test("name:else") &&
      !this.test("name:or") &&
      !this.test("name:and")
    ) {
      if (this.test("name:is")) this.fail("You cannot chain multiple tests with is");
      args = [this.parsePostfix(this.parsePrimary())];
    }
    const result = node("Test", t.line, [n, ...args], { name });
    return negated ? node("Not", t.line, [result]) : result;
  }
}

function withCtx(n: Node, ctx: "store" | "param"): Node {
  if (n.kind === "Name") return { ...n, ctx };
  if (n.kind === "Tuple") return { ...n, children: n.children.map((c) => withCtx(c, ctx)) };
  return n;
}

function canAssign(n: Node): boolean {
  if (n.kind === "Name") return !["true", "false", "none", "True", "False", "None"].includes(n.name!);
  if (n.kind === "Tuple") return n.children.every(canAssign);
  return n.kind === "NSRef";
}
