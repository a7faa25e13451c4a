import type { XTableStep } from "../../spec/steps/index.js";
import { datasetNamespace } from "../../spec/steps/xtable.js";
import type { StepRenderer } from "../model.js";
import { pyDict, pyTimedelta } from "../python.js";
import { stepOptions } from "./common.js";

/** The module pipegen ships in the bundle's dags/ folder. */
export const XTABLE_OPERATOR = { module: "pipegen_xtable.operator", name: "XTableOperator" } as const;

/**
 * XTable's dataset config and, with `glueCatalog`, its Iceberg catalog config
 * for a step, as plain data. The DAG renders them as the operator's
 * arguments; `pipegen xtable run --pipeline` writes them as YAML.
 * @param templated how table paths are written (the DAG expands date placeholders)
 */
export function xtableConfigs(step: XTableStep, templated: (text: string) => string = (text) => text) {
  const dataset = {
    sourceFormat: step.sourceFormat,
    targetFormats: step.targetFormats,
    datasets: step.datasets.map((d) =>
      pyDict([
        ["tableBasePath", templated(d.tableBasePath)],
        ["tableDataPath", d.tableDataPath && templated(d.tableDataPath)],
        ["tableName", d.tableName],
        // XTable registers each table in the Glue database named by its namespace.
        ["namespace", datasetNamespace(step, d)],
      ]),
    ),
  };
  const catalog = step.glueCatalog && {
    catalogImpl: "org.apache.iceberg.aws.glue.GlueCatalog",
    catalogName: "glue",
    catalogOptions: pyDict([
      ["warehouse", step.glueCatalog.warehouse],
      ["io-impl", "org.apache.iceberg.aws.s3.S3FileIO"],
      ["client.region", step.glueCatalog.region],
    ]),
  };
  return { dataset, catalog };
}

export const renderXTable: StepRenderer<"xtable"> = ({ step }, ctx) => {
  const { dataset, catalog } = xtableConfigs(step, ctx.templated);
  return [
    {
      taskId: step.id,
      operator: XTABLE_OPERATOR,
      kwargs: [
        ["task_id", step.id],
        ["dataset_config", dataset],
        ["iceberg_catalog_config", catalog],
        ["max_heap", step.maxHeap],
        ["sync_timeout", step.syncTimeout === undefined ? undefined : pyTimedelta(step.syncTimeout)],
        ...stepOptions(step),
      ],
    },
  ];
};
