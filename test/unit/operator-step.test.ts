/**
 * The `operator` step (the escape hatch): given a spec, want exactly these
 * problems; given a valid step, want this task as emitted Python; given its
 * `iam` statements, want these grants or this refusal.
 */
import { describe, expect, it } from "vitest";
import { Arns } from "../../src/iam/arn.js";
import type { Grant, IamContext } from "../../src/iam/model.js";
import { stepGrants } from "../../src/iam/steps/index.js";
import { pyInline } from "../../src/render/python.js";
import { taskGraph } from "../../src/render/task-graph.js";
import { basePipeline, problemsOf, resolved } from "../helpers/spec.js";

const SNS = "airflow.providers.amazon.aws.operators.sns.SnsPublishOperator";
const LAMBDA = "airflow.providers.amazon.aws.operators.lambda_function.LambdaInvokeFunctionOperator";
const TOPIC = "arn:aws:sns:us-east-1:111122223333:alerts";
const PARAM_DAY = { type: ["string", "null"], format: "date", default: null };

const op = (s: Record<string, unknown>) => basePipeline({ steps: [{ id: "s", kind: "operator", ...s }] });
const publish = (args: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  op({ operator: SNS, arguments: { target_arn: TOPIC, message: "done", ...args }, ...extra });

describe("operator step validation", () => {
  it.each<[string, Record<string, unknown>, string[], ("2.10.3" | "3.3.1")?]>([
    ["a known class with its required arguments", publish(), []],
    ["an unknown class: nothing to check but the shape", op({ operator: "my_team.operators.CopyOperator" }), []],
    [
      "an import path without a module",
      op({ operator: "SnsPublishOperator" }),
      [
        "steps[0].operator: is not an operator import path: must be <module>.<ClassName>, e.g. airflow.providers.amazon.aws.operators.sns.SnsPublishOperator — write the class's full import path as in `from <module> import <ClassName>`",
      ],
    ],
    [
      "an import path that is Python code",
      op({ operator: "os.system('rm -rf /').X" }),
      [
        `steps[0].operator: is not an operator import path: segment "system('rm -rf /')" is not a Python identifier (ASCII letters, digits, '_'; not starting with a digit) — write the class's full import path as in \`from <module> import <ClassName>\``,
      ],
    ],
    [
      "a keyword in the path",
      op({ operator: "airflow.providers.lambda.Op" }),
      [
        'steps[0].operator: is not an operator import path: segment "lambda" is a Python keyword — write the class\'s full import path as in `from <module> import <ClassName>`',
      ],
    ],
    [
      "a path with a newline",
      op({ operator: "a.b\nimport os" }),
      [
        "steps[0].operator: is not an operator import path: segment \"b\\nimport os\" is not a Python identifier (ASCII letters, digits, '_'; not starting with a digit) — write the class's full import path as in `from <module> import <ClassName>`",
      ],
    ],
    [
      "a lowercase class name",
      op({ operator: "airflow.providers.amazon.aws.operators.sns.publish" }),
      [
        'steps[0].operator: is not an operator import path: the class name "publish" must start with an uppercase letter — write the class\'s full import path as in `from <module> import <ClassName>`',
      ],
    ],
    [
      "pipegen's own package",
      op({ operator: "pipegen_xtable.operator.XTableOperator" }),
      [
        "steps[0].operator: is not an operator import path: pipegen_xtable is pipegen's own package: use kind: xtable — write the class's full import path as in `from <module> import <ClassName>`",
      ],
    ],
    [
      "a class named like pipegen's own, from another module",
      op({ operator: "my_team.operators.GlueJobOperator" }),
      [
        "steps[0].operator: imports a class named GlueJobOperator, as airflow.providers.amazon.aws.operators.glue.GlueJobOperator does: one DAG module cannot import both — re-export the class under another name from a module of yours (class MyGlueJobOperator(GlueJobOperator): pass), or use pipegen's own step kind",
      ],
    ],
    [
      "a class named DAG",
      op({ operator: "my_team.DAG" }),
      [
        "steps[0].operator: imports a class named DAG, as airflow.DAG and airflow.sdk.DAG does: one DAG module cannot import both — re-export the class under another name from a module of yours (class MyDAG(DAG): pass), or use pipegen's own step kind",
      ],
    ],
    [
      "two steps importing same-named classes from different modules",
      basePipeline({
        steps: [
          { id: "a", kind: "operator", operator: "team_a.ops.CopyOperator" },
          { id: "b", kind: "operator", operator: "team_b.ops.CopyOperator" },
        ],
      }),
      [
        "steps[1].operator: imports a class named CopyOperator, as team_a.ops.CopyOperator does: one DAG module cannot import both — re-export the class under another name from a module of yours (class MyCopyOperator(CopyOperator): pass), or use pipegen's own step kind",
      ],
    ],
    [
      "an argument pipegen sets",
      publish({ task_id: "x", retries: 3, on_failure_callback: "notify" }),
      [
        "steps[0].arguments.task_id: is set by pipegen — the step's id is the task id",
        "steps[0].arguments.retries: is set by pipegen — use the step's retries",
        "steps[0].arguments.on_failure_callback: is set by pipegen — use the step's notify: { onFailure: [...] }",
      ],
    ],
    [
      "an argument name that is not an identifier",
      publish({ "message-id": "x", class: 1 }),
      [
        "steps[0].arguments.message-id: must be a Python identifier: it becomes a keyword argument",
        "steps[0].arguments.class: must be a Python identifier: it becomes a keyword argument",
      ],
    ],
    [
      "a misspelled argument of a known class",
      publish({ subjet: "hi" }),
      [
        'steps[0].arguments.subjet: SnsPublishOperator takes no argument "subjet" on Airflow 2.10.3 with the Amazon provider MWAA ships: Airflow would refuse the DAG — did you mean "subject"?',
      ],
    ],
    [
      "an argument the 2.10.3 provider does not have",
      publish({ message_group_id: "g" }),
      [
        'steps[0].arguments.message_group_id: SnsPublishOperator takes no argument "message_group_id" on Airflow 2.10.3 with the Amazon provider MWAA ships: Airflow would refuse the DAG — "message_group_id" comes with the Amazon provider of Airflow 3.3.1: target that version, or drop it',
      ],
    ],
    ["the same argument on 3.3.1", publish({ message_group_id: "g" }), [], "3.3.1"],
    [
      "a required argument missing",
      op({ operator: SNS, arguments: { message: "x" } }),
      ["steps[0].arguments: SnsPublishOperator needs the argument target_arn — add target_arn: ... under arguments"],
    ],
    [
      "no arguments at all",
      op({ operator: LAMBDA }),
      [
        "steps[0].operator: LambdaInvokeFunctionOperator needs the argument function_name — add function_name: ... under arguments",
      ],
    ],
    [
      "a placeholder in a field the class does not template",
      op({ operator: LAMBDA, arguments: { function_name: "f", log_type: "Tail-${DATE}" } }),
      [
        'steps[0].arguments.log_type: LambdaInvokeFunctionOperator does not template "log_type": Airflow passes it as written, so a placeholder or Jinja there reaches the operator as text — use placeholders and Jinja only in its templated fields: aws_conn_id, function_name, invocation_type, payload, qualifier, region_name, verify',
      ],
    ],
    [
      "Jinja that does not parse",
      publish({ message: "done {{ ds " }),
      [
        "steps[0].arguments.message: is not valid Jinja: unexpected end of template, expected 'end of print statement'. — Airflow renders this field with Jinja: fix the template, or write literal braces as {{ '{{' }} or inside {% raw %}...{% endraw %}",
      ],
    ],
    [
      "an unknown placeholder deep in a mapping",
      publish({ message_attributes: { day: { DataType: "String", StringValue: "${DAY}" } } }),
      [
        "steps[0].arguments.message_attributes.day.StringValue: unknown placeholder ${DAY}; known: ${YYYY}, ${MM}, ${DD}, ${HH}, ${DATE}, ${DATE_NODASH}, ${params.<name>}",
      ],
    ],
    [
      "a name Airflow 3 does not have",
      publish({ message: "{{ execution_date }}" }),
      [
        "steps[0].arguments.message: uses the name 'execution_date' that nothing defines; this DAG is rendered for Airflow 3.3.1 (--airflow-version), and Airflow fails every run that renders an undefined name — Airflow 3 has no execution_date: use logical_date or data_interval_start",
      ],
      "3.3.1",
    ],
    [
      "a placeholder in a mapping key",
      publish({ message_attributes: { "day_${DATE}": "x" } }),
      [
        "steps[0].arguments.message_attributes.day_${DATE}: is a mapping key, which Airflow does not template: a placeholder there stays text",
      ],
    ],
    [
      "a param placeholder in a field the class does not template",
      op({
        operator: LAMBDA,
        arguments: { function_name: "f", log_type: "${params.mode}" },
      }),
      [
        "steps[0].arguments.log_type: ${params.mode} names no param of this pipeline — declare it under params: with a type and a default",
        'steps[0].arguments.log_type: LambdaInvokeFunctionOperator does not template "log_type": Airflow passes it as written, so a placeholder or Jinja there reaches the operator as text — use placeholders and Jinja only in its templated fields: aws_conn_id, function_name, invocation_type, payload, qualifier, region_name, verify',
      ],
    ],
    [
      "a param placeholder in a mapping key",
      { ...publish({ message_attributes: { "day_${params.day}": "x" } }), params: { day: PARAM_DAY } },
      [
        "steps[0].arguments.message_attributes.day_${params.day}: is a mapping key, which Airflow does not template: a placeholder there stays text",
      ],
    ],
    [
      "an undeclared param deep in a mapping, with the closest declared one",
      { ...publish({ message_attributes: { d: { StringValue: "${params.dya}" } } }), params: { day: PARAM_DAY } },
      [
        "steps[0].arguments.message_attributes.d.StringValue: ${params.dya} names no param of this pipeline — did you mean ${params.day}?",
      ],
    ],
    [
      "a free-text param in an argument",
      { ...publish({ message: "done ${params.note}" }), params: { note: { type: "string", default: "x" } } },
      [
        "steps[0].arguments.message: ${params.note} cannot stand in text: the param is free text, which could hold a quote, a backslash or a colon and change what the text around it means — give it an enum of plain words, format: date, or a number or boolean type; raw Jinja ({{ params.<name> }}) is written as you write it",
      ],
    ],
    [
      "a declared date param in a templated field",
      { ...publish({ message: "day ${params.day}" }), params: { day: PARAM_DAY } },
      [],
    ],
    [
      "a number that Python cannot write",
      op({ operator: "my.X", arguments: { n: Number.POSITIVE_INFINITY } }),
      [
        "steps[0].arguments.n: expected a string or a number or a boolean or null or an array or a record, got number Infinity",
      ],
    ],
    [
      "a credential in an argument",
      op({ operator: "my.X", arguments: { aws_secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } }),
      [
        "steps[0].arguments.aws_secret_access_key: looks like an AWS secret access key — specs must not carry credentials: store the secret in AWS Secrets Manager and give its ARN (e.g. connections.redshift.secretArn), or keep it in an Airflow connection and give the connection id",
      ],
    ],
    [
      "a wildcard action",
      publish({}, { iam: [{ actions: ["sns:*"], resources: [TOPIC] }] }),
      [
        "steps[0].iam[0].actions[0]: must be one IAM action such as sns:Publish (no wildcards: pipegen never grants a wildcard action)",
      ],
    ],
    [
      "a resource that is not an ARN",
      publish({}, { iam: [{ actions: ["sns:Publish"], resources: ["alerts"] }] }),
      [
        "steps[0].iam[0].resources[0]: must be an ARN such as arn:aws:sns:us-east-1:111122223333:alerts, or * for actions IAM cannot scope",
      ],
    ],
    [
      "a statement without resources, and one with an Effect",
      publish(
        {},
        {
          iam: [
            { actions: ["sns:Publish"], resources: [] },
            { Effect: "Deny", actions: ["sns:Publish"], resources: [TOPIC] },
          ],
        },
      ),
      [
        "steps[0].iam[0].resources: needs at least 1 item",
        'steps[0].iam[1].Effect: unknown key "Effect" — remove it; see `pipegen schema` for the allowed keys',
      ],
    ],
  ])("%s", (_, spec, want, version) => {
    expect(problemsOf(spec, version)).toEqual(want);
  });
});

function taskOf(spec: Record<string, unknown>, version?: "2.10.3" | "3.3.1") {
  const [t] = taskGraph(resolved(spec, version)).tasks;
  return {
    import: `from ${t!.operator.module} import ${t!.operator.name}`,
    kwargs: Object.fromEntries(t!.kwargs.filter(([, v]) => v !== undefined).map(([k, v]) => [k, pyInline(v!)])),
  };
}

describe("operator step rendering", () => {
  it("emits every argument as a Python literal, hostile strings included", () => {
    expect(
      taskOf(
        op({
          operator: "my_team.operators.CopyOperator",
          arguments: {
            quotes: `it's "quoted" \\ back`,
            lines: "a\nb\r\tc\u0000",
            braces: "{{ '{{' }} literal",
            jinja: "{{ ds }}",
            number: 1.5,
            integer: -3,
            flag: false,
            nothing: null,
            nested: { list: [1, "two", { three: true }], "key with 'quote\"": "v" },
            code: "__import__('os').system('id')",
          },
          retries: 1,
        }),
      ),
    ).toEqual({
      import: "from my_team.operators import CopyOperator",
      kwargs: {
        task_id: '"s"',
        quotes: `'it\\'s "quoted" \\\\ back'`,
        lines: '"a\\nb\\r\\tc\\x00"',
        braces: `"{{ '{{' }} literal"`,
        jinja: '"{{ ds }}"',
        number: "1.5",
        integer: "-3",
        flag: "False",
        nothing: "None",
        nested: `{"list": [1, "two", {"three": True}], "key with 'quote\\"": "v"}`,
        code: `"__import__('os').system('id')"`,
        retries: "1",
      },
    });
  });

  it("expands date placeholders in nested strings, for the target's partition date", () => {
    const spec = op({ operator: LAMBDA, arguments: { function_name: "f", payload: '{"d": "${DATE}"}' } });
    expect(taskOf(spec).kwargs.payload).toBe(`'{"d": "{{ data_interval_start.strftime(\\'%Y-%m-%d\\') }}"}'`);
    expect(taskOf(spec, "3.3.1").kwargs.payload).toBe(
      `'{"d": "{{ (data_interval_start | default(dag_run.run_after, true)).strftime(\\'%Y-%m-%d\\') }}"}'`,
    );
  });

  it("expands param placeholders in nested strings to the run's params", () => {
    const spec = {
      ...op({
        operator: LAMBDA,
        arguments: { function_name: "f", payload: { day: "${params.day}", list: ["at ${params.day}/x"] } },
      }),
      params: { day: PARAM_DAY },
    };
    expect(taskOf(spec).kwargs.payload).toBe('{"day": "{{ params.day }}", "list": ["at {{ params.day }}/x"]}');
  });

  it("gives a known Amazon class the pipeline's AWS connection unless the arguments name one", () => {
    const conn = { connections: { aws: "aws_analytics" } };
    expect(taskOf({ ...publish(), ...conn }).kwargs.aws_conn_id).toBe('"aws_analytics"');
    expect(taskOf({ ...publish({ aws_conn_id: "other" }), ...conn }).kwargs.aws_conn_id).toBe('"other"');
    expect(taskOf({ ...op({ operator: "my.X" }), ...conn }).kwargs.aws_conn_id).toBeUndefined();
  });
});

const ARNS = new Arns({ partition: "aws", account: "111122223333", region: "us-east-1" });

function grantsOf(step: Record<string, unknown>) {
  const r = resolved(basePipeline({ steps: [{ id: "wait", kind: "s3Sensor", bucket: "b-1-2", key: "k" }, step] }));
  const missing: string[] = [];
  const notes: string[] = [];
  const ctx: IamContext = {
    resolved: r,
    arns: ARNS,
    sid: (_, purpose) => purpose,
    note: (n) => notes.push(n),
    missing: (path, message, hint) => missing.push(`${path.join(".")}: ${message}${hint ? ` — ${hint}` : ""}`),
  };
  const rows = stepGrants(r.steps[1]!, ctx).map(
    (g: Grant) =>
      `${g.sid} | ${g.actions.join(",")} | ${g.resources.join(" ")}${g.condition ? ` | ${JSON.stringify(g.condition)}` : ""} | ${g.explain}`,
  );
  return { rows, missing, notes };
}

describe("operator step IAM", () => {
  const step = (iam: unknown) => ({
    id: "s",
    kind: "operator",
    operator: SNS,
    arguments: { target_arn: TOPIC, message: "m" },
    ...(iam === undefined ? {} : { iam }),
  });

  it.each<[string, unknown, { rows: string[]; missing: string[]; notes: string[] }]>([
    [
      "declared statements, as written, one Sid each",
      [
        { actions: ["sns:Publish"], resources: [TOPIC], why: "publishes the day's summary" },
        {
          actions: ["iam:PassRole"],
          resources: ["arn:aws:iam::111122223333:role/emr"],
          condition: { StringEquals: { "iam:PassedToService": "emr-serverless.amazonaws.com" } },
        },
      ],
      {
        rows: [
          `Declared1 | sns:Publish | ${TOPIC} | publishes the day's summary`,
          'Declared2 | iam:PassRole | arn:aws:iam::111122223333:role/emr | {"StringEquals":{"iam:PassedToService":"emr-serverless.amazonaws.com"}} | declared in the spec for SnsPublishOperator: pipegen cannot derive what an operator step calls',
        ],
        missing: [],
        notes: [],
      },
    ],
    ["iam: [] says the operator calls no AWS API", [], { rows: [], missing: [], notes: [] }],
    [
      "no iam: refused with a hint",
      undefined,
      {
        rows: [],
        missing: [
          "steps.1.operator: pipegen cannot derive the AWS calls SnsPublishOperator makes, and the step declares no iam statements — add iam: [{ actions: [...], resources: [...] }] with what the operator calls as the MWAA execution role (exact actions and ARNs), or iam: [] if it calls no AWS API",
        ],
        notes: [],
      },
    ],
    [
      "Resource * for an action IAM can scope, and a wildcard ARN of no allowed form",
      [
        { actions: ["sns:Publish"], resources: ["*"] },
        { actions: ["lambda:InvokeFunction"], resources: ["arn:aws:lambda:us-east-1:111122223333:function:*"] },
      ],
      {
        rows: [
          "Declared1 | sns:Publish | * | declared in the spec for SnsPublishOperator: pipegen cannot derive what an operator step calls",
          "Declared2 | lambda:InvokeFunction | arn:aws:lambda:us-east-1:111122223333:function:* | declared in the spec for SnsPublishOperator: pipegen cannot derive what an operator step calls",
        ],
        missing: [
          'steps.1.iam.0: Resource "*" for sns:Publish, which is not in the allow-list — name exact actions and ARNs: pipegen grants Resource * only for actions IAM cannot scope, and wildcards only in the forms listed under "IAM policies" in pipegen\'s README',
          'steps.1.iam.1: wildcard resource arn:aws:lambda:us-east-1:111122223333:function:* matches no allowed form — name exact actions and ARNs: pipegen grants Resource * only for actions IAM cannot scope, and wildcards only in the forms listed under "IAM policies" in pipegen\'s README',
        ],
        notes: [],
      },
    ],
    [
      "the job runs of one EMR Serverless application: an allowed wildcard",
      [
        {
          actions: ["emr-serverless:GetJobRun"],
          resources: ["arn:aws:emr-serverless:us-east-1:111122223333:/applications/00abc/jobruns/*"],
        },
      ],
      {
        rows: [
          "Declared1 | emr-serverless:GetJobRun | arn:aws:emr-serverless:us-east-1:111122223333:/applications/00abc/jobruns/* | declared in the spec for SnsPublishOperator: pipegen cannot derive what an operator step calls",
        ],
        missing: [],
        notes: [],
      },
    ],
    [
      "a resource of another account: granted, with a note",
      [{ actions: ["sns:Publish"], resources: ["arn:aws:sns:us-east-1:444455556666:shared-alerts"] }],
      {
        rows: [
          "Declared1 | sns:Publish | arn:aws:sns:us-east-1:444455556666:shared-alerts | declared in the spec for SnsPublishOperator: pipegen cannot derive what an operator step calls",
        ],
        missing: [],
        notes: [
          "pipelines/demo.pipeline.yaml steps[1].iam[0] names arn:aws:sns:us-east-1:444455556666:shared-alerts in account 444455556666, not 111122223333: that resource's own policy must allow the MWAA execution role as well",
        ],
      },
    ],
  ])("%s", (_, iam, want) => {
    expect(grantsOf(step(iam))).toEqual(want);
  });
});
