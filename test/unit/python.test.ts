import { describe, expect, it } from "vitest";
import {
  PyCall,
  PyCode,
  pyCommentText,
  pyDocstring,
  pyKeywordArgument,
  pyLiteral,
  pyString,
  pyTimedelta,
  textWidth,
} from "../../src/render/python.js";

describe("pyString", () => {
  it.each([
    ["plain", '"plain"'],
    ["it's", '"it\'s"'],
    ['say "hi"', "'say \"hi\"'"],
    ["both ' and \"", '"both \' and \\""'],
    ["back\\slash", '"back\\\\slash"'],
    ["line\nbreak\ttab\rcr", '"line\\nbreak\\ttab\\rcr"'],
    ["nul\u0000bell\u0007", '"nul\\x00bell\\x07"'],
    ["café → 😀", '"café → 😀"'],
    ["\u2028sep", '"\\u2028sep"'],
    ["lone \ud800 surrogate", '"lone \\ud800 surrogate"'],
    ["{{ ds }}", '"{{ ds }}"'],
  ])("%j → %s", (given, want) => {
    expect(pyString(given)).toBe(want);
  });
});

describe("pyLiteral", () => {
  it.each<[unknown, string]>([
    [null, "None"],
    [true, "True"],
    [false, "False"],
    [42, "42"],
    [-0, "0"],
    [1.5, "1.5"],
    [1e21, "1e21"],
    [[], "[]"],
    [{}, "{}"],
    [["a", 1, null], '["a", 1, None]'],
    [{ k: [true] }, '{"k": [True]}'],
  ])("%j → %s", (given, want) => {
    expect(pyLiteral(given as never)).toBe(want);
  });

  it("explodes containers that do not fit in 88 columns, with magic trailing commas", () => {
    const value = { first: "x".repeat(40), second: ["y".repeat(25), "z".repeat(25)] };
    expect(pyKeywordArgument("config", value, "        ")).toBe(
      [
        "        config={",
        `            "first": "${"x".repeat(40)}",`,
        `            "second": ["${"y".repeat(25)}", "${"z".repeat(25)}"],`,
        "        },",
      ].join("\n"),
    );
  });

  it("emits pipegen's own code unquoted", () => {
    expect(pyLiteral({ d: new PyCode("timedelta(minutes=5)") })).toBe('{"d": timedelta(minutes=5)}');
  });
});

describe("pyTimedelta", () => {
  it.each([
    [30, "timedelta(seconds=30)"],
    [300, "timedelta(minutes=5)"],
    [5400, "timedelta(minutes=90)"],
    [7200, "timedelta(hours=2)"],
    [172800, "timedelta(days=2)"],
  ])("%d s → %s", (seconds, want) => {
    expect(pyTimedelta(seconds).code).toBe(want);
  });
});

describe("pyDocstring", () => {
  it.each([
    ["Title", '"""Title\n"""'],
    ["Title\n\n  body  \n\tline", '"""Title\n\n  body\n    line\n"""'],
    ['ends with a quote"', '"""ends with a quote\\"\n"""'],
    ['has """ inside', '"""has ""\\" inside\n"""'],
    ['"starts with a quote', '"""\\"starts with a quote\n"""'],
    ["back\\slash and \u0000", '"""back\\\\slash and \\x00\n"""'],
  ])("%j → %s", (given, want) => {
    expect(pyDocstring(given)).toBe(want);
  });
});

describe("pyCommentText", () => {
  it.each([
    ["pipelines/products.pipeline.ts", "pipelines/products.pipeline.ts"],
    [
      'x\nimport os; os.system("echo PWNED")\n#/a.pipeline.yaml',
      'x\\nimport os; os.system("echo PWNED")\\n#/a.pipeline.yaml',
    ],
    ["cr\rff\fsep\u2028nul\u0000", "cr\\rff\\x0csep\\u2028nul\\x00"],
    ["C:\\specs\\a.pipeline.yaml", "C:\\\\specs\\\\a.pipeline.yaml"],
    ["café/😀", "café/😀"],
  ])("%j → %s", (given, want) => {
    expect(pyCommentText(given)).toBe(want);
  });
});

describe("line width, as ruff counts it", () => {
  it.each([
    ["ascii", 5],
    ["日本語", 6],
    ["e\u0301", 1],
    ["😀", 2],
    ["☃", 1],
  ])("%j is %i columns", (text, want) => {
    expect(textWidth(text)).toBe(want);
  });

  it("wraps a call whose wide characters take it past 88 columns, though it has fewer characters", () => {
    const value = {
      note: new PyCall(
        "Param",
        ["日本語 ☃ \\n"],
        [
          ["type", ["string", "null"]],
          ["minLength", 0],
          ["maxLength", 20],
        ],
      ),
    };
    const indent = "        ";
    expect(pyKeywordArgument("params", value, "    ")).toBe(
      [
        "    params={",
        `${indent}"note": Param(`,
        `${indent}    "日本語 ☃ \\\\n", type=["string", "null"], minLength=0, maxLength=20`,
        `${indent}),`,
        "    },",
      ].join("\n"),
    );
  });
});
