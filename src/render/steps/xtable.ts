import type { XTableStep } from "../../spec/steps/index.js";
import type { StepRenderer } from "../model.js";
import { pyDict, pyTimedelta, type PyValue } from "../python.js";
import { stepOptions } from "./common.js";

/** The module pipegen ships in the bundle's dags/ folder. */
export const XTABLE_OPERATOR = { module: "pipegen_xtable.operator", name: "XTableOperator" } as const;

export const renderXTable: StepRenderer<XTableStep> = (step, ctx) => {
  const datasets = step.datasets.map((d) =>
    pyDict([
      ["tableBasePath", ctx.templated(d.tableBasePath)],
      ["tableDataPath", d.tableDataPath && ctx.templated(d.tableDataPath)],
      ["tableName", d.tableName],
      ["namespace", step.glueCatalog?.database ?? d.namespace],
    ]),
  );
  const catalog: PyValue | undefined = step.glueCatalog && {
    catalogImpl: "org.apache.iceberg.aws.glue.GlueCatalog",
    catalogName: "glue",
    catalogOptions: {
      warehouse: step.glueCatalog.warehouse,
      "io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
      ...(step.glueCatalog.region ? { "client.region": step.glueCatalog.region } : {}),
    },
  };
  return [
    {
      taskId: step.id,
      operator: XTABLE_OPERATOR,
      kwargs: [
        ["task_id", step.id],
        ["dataset_config", { sourceFormat: step.sourceFormat, targetFormats: step.targetFormats, datasets }],
        ["iceberg_catalog_config", catalog],
        ["max_heap", step.maxHeap],
        ["sync_timeout", step.syncTimeout === undefined ? undefined : pyTimedelta(step.syncTimeout)],
        ...stepOptions(step),
      ],
    },
  ];
};
