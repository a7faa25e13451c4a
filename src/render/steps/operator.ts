import type { ArgumentValue } from "../../spec/steps/operator.js";
import type { StepRenderer } from "../model.js";
import type { PyValue } from "../python.js";
import { awsConnection, stepOptions } from "./common.js";

/**
 * The class the spec names, with its arguments as Python literals: strings
 * get their date placeholders expanded (Airflow renders them if the class
 * templates that field), everything else is written as given. A class
 * pipegen knows to take `aws_conn_id` gets the pipeline's AWS connection, as
 * every other step does, unless the arguments name one.
 */
export const renderOperator: StepRenderer<"operator"> = ({ step, module, className, known }, ctx) => {
  const expand = (value: ArgumentValue): PyValue => {
    if (typeof value === "string") return ctx.templated(value);
    if (Array.isArray(value)) return value.map(expand);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v)]));
    return value;
  };
  const takesAwsConnection =
    known !== undefined &&
    !("aws_conn_id" in step.arguments) &&
    Object.values(known.parameters).every((p) => p.includes("aws_conn_id"));
  return [
    {
      taskId: step.id,
      operator: { module, name: className, fromSpec: true },
      kwargs: [
        ["task_id", step.id],
        ...Object.entries(step.arguments).map(([name, value]) => [name, expand(value)] as const),
        ...(takesAwsConnection ? awsConnection(ctx) : []),
        ...stepOptions(step),
      ],
    },
  ];
};
