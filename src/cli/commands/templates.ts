import type { Command } from "commander";

export function registerTemplates(program: Command): void {
  program
    .command("templates")
    .description("list the step templates specs may use (*.template.ts), with their versions and config schemas")
    .argument("[paths...]", "spec folders (or spec files, for their folders)", ["pipelines"])
    .option("--json", "print them as JSON, each config as a JSON Schema")
    .addHelpText(
      "after",
      "\nExamples:\n  pipegen templates\n  pipegen templates --json | jq '.[] | select(.name == \"land_crawl_load\")'",
    )
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const { listTemplates } = await import("../../pipeline-run.js");
      const templates = await listTemplates({ paths });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(templates, null, 2)}\n`);
        return;
      }
      if (templates.length === 0) {
        process.stdout.write(`no step templates (*.template.ts) in ${paths.join(", ")}\n`);
        return;
      }
      const blocks = templates.map((t) =>
        [
          `${t.name}@${t.version}${t.description ? ` — ${t.description}` : ""}`,
          `  defined in ${t.file}`,
          "  with:",
          ...configLines(t.config).map((line) => `    ${line}`),
        ].join("\n"),
      );
      process.stdout.write(`${blocks.join("\n\n")}\n`);
    });
}

type Schema = Record<string, unknown>;

/** One line per config key: its name, type, and whether it is required or what it defaults to. */
function configLines(config: Schema): string[] {
  const properties = (config.properties ?? {}) as Record<string, Schema>;
  const required = new Set((config.required ?? []) as string[]);
  const entries = Object.entries(properties);
  if (entries.length === 0) return ["(nothing)"];
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([key, schema]) => {
    const how =
      schema.default !== undefined
        ? `default ${JSON.stringify(schema.default)}`
        : required.has(key)
          ? "required"
          : "optional";
    return `${key.padEnd(width)}  ${typeOf(schema)}  (${how})`;
  });
}

/** A short type: `string`, `string[]`, `"a" | "b"`, `string | string[]`, `object`. */
function typeOf(schema: Schema): string {
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (union) return union.map(typeOf).join(" | ");
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === "array") return `${typeOf((schema.items ?? {}) as Schema)}[]`;
  if (typeof schema.type === "string") return schema.type;
  return "any";
}
