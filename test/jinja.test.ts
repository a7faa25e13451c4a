/**
 * pipegen's Jinja check (src/jinja/) against Jinja itself, as Airflow sets it
 * up (test/python/jinja_oracle.py, in the Airflow 3.3.1 venv): on curated
 * templates and on thousands of generated ones, the two agree on whether a
 * template parses and on the filters and tests it uses; and the names
 * pipegen calls undefined are never fewer than rendering finds undefined,
 * nor more than jinja2.meta.find_undeclared_variables reports.
 */
import { execa } from "execa";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { analyzeTemplate, type TemplateEnvironment } from "../src/jinja/check.js";
import { JINJA_FILTERS, JINJA_GLOBALS, JINJA_TESTS } from "../src/spec/airflow-facts.js";
import { venvBin } from "./helpers/python.js";

const ENV: TemplateEnvironment = {
  names: new Set(JINJA_GLOBALS),
  filters: new Set(JINJA_FILTERS),
  tests: new Set(JINJA_TESTS),
};

interface Verdict {
  syntax: string | null;
  filters?: string[];
  tests?: string[];
  undeclared?: string[];
  missing?: string[];
}

async function jinja(sources: readonly string[], venv = "airflow-3.3.1"): Promise<Verdict[]> {
  const r = await execa(venvBin(venv, "python"), ["test/python/jinja_oracle.py"], {
    input: sources.map((source) => JSON.stringify({ source })).join("\n"),
  });
  return r.stdout.split("\n").map((line) => JSON.parse(line) as Verdict);
}

/** Every disagreement between pipegen and Jinja on these templates. */
async function disagreements(sources: readonly string[], venv?: string): Promise<unknown[]> {
  const verdicts = await jinja(sources, venv);
  const out: unknown[] = [];
  sources.forEach((source, i) => {
    const want = verdicts[i]!;
    const got = analyzeTemplate(source, ENV);
    if ((want.syntax === null) !== (got.syntaxError === undefined)) {
      out.push({ source, jinja: want.syntax, pipegen: got.syntaxError?.message ?? null });
      return;
    }
    if (want.syntax !== null) return;
    const unknown = (used: string[], known: readonly string[]) => used.filter((n) => !known.includes(n));
    const filters = unknown(want.filters!, JINJA_FILTERS);
    const tests = unknown(want.tests!, JINJA_TESTS);
    if (JSON.stringify(filters) !== JSON.stringify([...got.unknownFilters].sort()))
      out.push({ source, jinjaUnknownFilters: filters, pipegen: got.unknownFilters });
    if (JSON.stringify(tests) !== JSON.stringify([...got.unknownTests].sort()))
      out.push({ source, jinjaUnknownTests: tests, pipegen: got.unknownTests });
    const names = new Set(got.undefinedNames);
    const tooFew = want.missing!.filter((n) => !names.has(n));
    const tooMany = Array.isArray(want.undeclared)
      ? got.undefinedNames.filter((n) => !want.undeclared!.includes(n))
      : [];
    if (tooFew.length > 0 || tooMany.length > 0)
      out.push({ source, missingAtRuntime: want.missing, undeclared: want.undeclared, pipegen: got.undefinedNames });
  });
  return out;
}

const CURATED = [
  "{{ ds }}",
  "{% if x %}a",
  "Hello {{name}}!",
  "{#}",
  "{# a comment #}{{ ds }}",
  "{{ macros.ds_add(ds, 1) }}",
  "{{ (data_interval_start | default(dag_run.run_after, true)).strftime('%Y') }}",
  "{{ x is not none }}",
  "{{ x if y else z }}",
  "{{ [1,2][0] }}",
  "{{ {'a': 1}['a'] }}",
  "{{ (1, 2) }}",
  "{{ True }}{{ None }}{{ false }}",
  "{{ 'a' ~ 'b' }}",
  "{{ 7 // 2 }}{{ 2 ** 3 }}{{ 7 % 2 }}",
  "{{ x[1:3] }}{{ x[::2] }}{{ x[:] }}{{ x[1:] }}",
  "{% for a, b in c %}{{ loop.index }}{{ a }}{% else %}{{ a }}{% endfor %}",
  "{% set x = 1 %}{{ x }}",
  "{{ x }}{% set x = 1 %}",
  "{% set x %}hi{% endset %}{{ x }}",
  "{% set x | upper %}hi{% endset %}",
  "{% macro m(a, b=1) %}{{ a }}{{ b }}{{ c }}{{ varargs }}{% endmacro %}{{ m(1) }}",
  "{% raw %}{{ x }}{% endraw %}",
  "{%- if x -%}{%+ endif %}",
  "{{ x.0 }}",
  "{{ 1_000 }}{{ 1e3 }}{{ 0x1F }}{{ 0o17 }}{{ 0b101 }}{{ 1.5 }}",
  "{{ 'a' 'b' }}",
  "{% do x.append(1) %}",
  "{% with a = 1 %}{{ a }}{% endwith %}{{ a }}",
  "{% filter upper %}x{% endfilter %}",
  "{% filter nosuch %}x{% endfilter %}",
  "{{ x | nosuchfilter }}",
  "{{ x is nosuchtest }}",
  "{% if x is nosuchtest %}{% endif %}",
  "{{ f(*a, **k) }}",
  "{{ f(a=1, *b) }}",
  "{{ f(*a, b) }}",
  "{{ f(**k, a=1) }}",
  "{{ a not in b }}{{ a in b }}",
  "{{ -1 }}{{ +x }}",
  "{{ 'it''s' }}",
  '{{ "a\\"b" }}',
  "{{ '\\x' }}",
  "{{ '\\u12' }}",
  "{{ '\\n\\t\\101\\u00e9\\U0001F600' }}",
  "{% if a %}{% elif b %}{% else %}{% endif %}",
  "{% if a %}{% set v = 1 %}{% else %}{% set v = 2 %}{% endif %}{{ v }}",
  "{% if a %}{% set v = 1 %}{% endif %}{{ v }}",
  "{% for x in y if x %}{% endfor %}",
  "{% for x in y recursive %}{{ loop(x) }}{% endfor %}",
  "{{ a.b(c)[d] | e(f) }}",
  "{{ }}",
  "{% %}",
  "{{ a b }}",
  "{% endif %}",
  "{% endfor %}{% if x %}",
  "{% if x %}{% endfor %}",
  "{{ a | default }}",
  "{{ a and b or not c }}",
  "{% call m() %}x{% endcall %}",
  "{% call(a) m() %}{{ a }}{{ caller }}{% endcall %}",
  "{{ caller() }}",
  "{% set a, b = 1, 2 %}{{ a }}{{ b }}",
  "{% set ns = namespace(x=1) %}{% set ns.x = 2 %}{{ ns.x }}",
  "{% set ns.x = 2 %}",
  "{{ a == b != c < d <= e > f >= g }}",
  "{{ range(3) | list }}{{ lipsum() }}{{ dict(a=1) }}",
  "{% include 'x.sql' %}",
  "{% import 'm.sql' as m %}",
  "{% from 'm.sql' import a, b as c %}",
  "{% extends 'base.sql' %}",
  "{% break %}",
  "{% continue %}",
  "{{ x.__class__ }}",
  "{{ x['_secret'] }}",
  "{{ 1 if 2 }}",
  "{{ a }} {# c #} {{ b }}",
  "{#- x -#}",
  "{{ a|b|c }}",
  "{{ a is defined and a is not divisibleby(3) }}",
  "{{ a if a is defined else 'n' }}",
  "{% if x is defined %}{{ x }}{% else %}{{ y }}{% endif %}",
  "{% if x is undefined %}{{ y }}{% else %}{{ x }}{% endif %}",
  "{{ x is defined and x }}",
  "{{ x is undefined or x }}",
  "{% autoescape true %}{{ a }}{% endautoescape %}",
  "{% block b %}{{ a }}{% endblock %}",
  "{% set a = 1 %}{% block b scoped %}{{ a }}{% endblock b %}",
  "{% block b-c %}{% endblock %}",
  "{{ ( }}",
  "{{ ) }}",
  "{{ [1, 2 }}",
  "{{ {'a': 1] }}",
  "{{ {'a': {'b': 1}} }}",
  "{{ 'unclosed }}",
  "{{ x.y.z }}{{ x[y][z] }}{{ x(y)(z) }}",
  "{{ 1abc }}",
  "{{ café }}",
  "{{ é }}",
  "text } and %} and #} alone",
  "{ {x} }",
  "{{{ '{' }}",
  "{{-x-}}{%- set y = 1 -%}{#-c-#}",
  "{% if x %}\n{{ y }}\n{% else %}\n{% endif",
  "{% for %}{% endfor %}",
  "{% for x in %}{% endfor %}",
  "{% set = 1 %}",
  "{% set 1 = 1 %}",
  "{% set none = 1 %}",
  "{% print a, b %}",
  "{% macro m(a=1, b) %}{% endmacro %}",
  "{{ x is divisibleby 3 }}",
  "{{ x is sameas none }}",
  "{{ 'a' is string is string }}",
  "{{ a.1.b }}",
  "{{ a. }}",
  "{{ a[] }}",
  "{% set x = [y for y in z] %}",
  "{{ ds | ds_nodash }}{{ ts | ts_nodash_with_tz }}",
  "{{ var.value.get('x', 'd') }}{{ conn.my_conn.host }}",
  "{{ params.x }}{{ ti.xcom_pull(task_ids='t') }}",
  "{%- raw -%} {{ }} {%- endraw -%}",
  "{% raw %}unclosed",
  "\r\n{{ a }}\r{{ b\r\n}}",
];

describe("pipegen's Jinja check and Jinja itself", () => {
  beforeAll(async () => {
    // One cheap call first so that a broken venv fails here, not in a table.
    expect((await jinja(["{{ x }}"]))[0]!.missing).toEqual(["x"]);
  });

  // Jinja 3.1.4 (Airflow 2.10.3's constraints) and 3.1.6 (3.3.1's).
  it.each(["airflow-2.10.3", "airflow-3.3.1"])("agree on curated templates (%s)", async (venv) => {
    expect(await disagreements(CURATED, venv)).toEqual([]);
  });

  it("agree on generated templates", async () => {
    const fragments = fc.constantFrom(
      "{{ ",
      " }}",
      "{% ",
      " %}",
      "{# ",
      " #}",
      "{%- ",
      " -%}",
      "if ",
      "elif ",
      "else",
      "endif",
      "for ",
      " in ",
      "endfor",
      "set ",
      "endset",
      "macro ",
      "endmacro",
      "with ",
      "endwith",
      "raw",
      "endraw",
      "x",
      "y",
      "loop",
      "ds",
      "macros",
      ".",
      "ds_add",
      "(",
      ")",
      "[",
      "]",
      "{",
      "}",
      ",",
      ":",
      "=",
      "==",
      "|",
      " default",
      " upper",
      " is ",
      "defined",
      " not ",
      " and ",
      " or ",
      "'s'",
      '"t"',
      "'\\x'",
      "1",
      "1.5",
      "~",
      "+",
      "-",
      "*",
      "**",
      "//",
      " ",
      "\n",
      "text",
      "${DATE}",
    );
    const templates = fc.sample(
      fc.array(fragments, { minLength: 1, maxLength: 14 }).map((parts) => parts.join("")),
      { numRuns: 4000, seed: 1411 },
    );
    // Grammatical ones too: generated pieces placed in well-formed tags.
    const expression = fc.constantFrom(
      "x",
      "ds",
      "macros.ds_add(ds, 1)",
      "x | default('d')",
      "x if x is defined else y",
      "(a, b)",
      "[x, y][0]",
      "{'k': x}['k']",
      "x ~ y",
      "not x",
      "x is defined and x",
      "range(3) | join(',')",
      "lipsum(1)",
    );
    const statements = fc.sample(
      fc
        .tuple(expression, expression, fc.constantFrom("x", "y", "z"))
        .chain(([e1, e2, v]) =>
          fc.constantFrom(
            `{% set ${v} = ${e1} %}{{ ${v} }}{{ ${e2} }}`,
            `{% for ${v} in ${e1} %}{{ ${v} }}{% endfor %}{{ ${v} }}`,
            `{% if ${e1} %}{% set ${v} = 1 %}{% else %}{% set ${v} = 2 %}{% endif %}{{ ${v} }}`,
            `{% if ${e1} %}{{ ${e2} }}{% elif ${v} %}{{ ${v} }}{% endif %}`,
            `{% with ${v} = ${e1} %}{{ ${v} }}{{ ${e2} }}{% endwith %}`,
            `{% macro m(${v}) %}{{ ${v} }}{{ ${e2} }}{% endmacro %}{{ m(${e1}) }}`,
            `{{ ${e1} if ${e2} else ${v} }}`,
          ),
        ),
      { numRuns: 1500, seed: 1412 },
    );
    expect(await disagreements([...templates, ...statements])).toEqual([]);
  });
});
