/** Given a templated string, want what pipegen emits so that Airflow never takes it for a template file name. */
import { describe, expect, it } from "vitest";
import { notAFileName, withoutTemplateFileNames } from "../../src/render/template-files.js";

describe("notAFileName", () => {
  it.each<[string, string[], string]>([
    ["SELECT 1", [".sql"], "SELECT 1"],
    ["DELETE FROM t -- from etl/cleanup.sql", [".sql"], "DELETE FROM t -- from etl/cleanup{{ '.sql' }}"],
    ["SELECT 1 -- x.json", [".sql", ".json"], "SELECT 1 -- x{{ '.json' }}"],
    ["SELECT 1 -- x.json", [".sql"], "SELECT 1 -- x.json"],
    ["exports/daily.SQL", [".sql"], "exports/daily.SQL"],
    // A "{" before the suffix joins the literal: "{{{" would open a block one brace early.
    ["SELECT 2 -- {.sql", [".sql"], "SELECT 2 -- {{ '{.sql' }}"],
    ["{{.sql", [".sql"], "{{ '{{.sql' }}"],
    [".sql", [".sql"], "{{ '.sql' }}"],
  ])("%j → %j", (given, ext, want) => {
    expect(notAFileName(given, ext)).toBe(want);
  });
});

it("rewrites only the templated fields of operators with template_ext, in lists and dict values", () => {
  const task = withoutTemplateFileNames({
    taskId: "t",
    operator: { module: "airflow.providers.amazon.aws.transfers.redshift_to_s3", name: "RedshiftToS3Operator" },
    kwargs: [
      ["task_id", "x.sql"],
      ["s3_key", "a.sql"],
      ["unload_options", ["MANIFEST", "b.sql"]],
      ["redshift_data_api_kwargs", { "k.sql": "c.sql" }],
      ["aws_conn_id", "d.sql"],
    ],
  });
  expect(task.kwargs).toEqual([
    ["task_id", "x.sql"],
    ["s3_key", "a{{ '.sql' }}"],
    ["unload_options", ["MANIFEST", "b{{ '.sql' }}"]],
    ["redshift_data_api_kwargs", { "k.sql": "c{{ '.sql' }}" }],
    ["aws_conn_id", "d.sql"],
  ]);
});
