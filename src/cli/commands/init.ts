import { access } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { UserError } from "../../errors.js";
import { writeOutputFile } from "../../write/files.js";
import { color } from "../shared.js";

export function registerInit(program: Command, version: string): void {
  program
    .command("init")
    .description("scaffold a pipegen project: example specs, editor schema, CI workflow")
    .argument("[dir]", "folder to create the project in", ".")
    .option("--force", "overwrite files that already exist")
    .option("-q, --quiet", "print nothing on success")
    .addHelpText(
      "after",
      "\nExamples:\n  mkdir mwaa-pipelines && cd mwaa-pipelines && npx pipegen init\n  npx pipegen init my-project --force",
    )
    .action(async (dir: string, opts: { force?: boolean; quiet?: boolean }) => {
      const { initProjectFiles, packageNameFor } = await import("../../init/index.js");
      const root = path.resolve(dir);
      const files = initProjectFiles({ name: packageNameFor(path.basename(root)), pipegenVersion: version });
      if (!opts.force) {
        const existing = [];
        for (const f of files) if (await exists(path.join(root, f.path))) existing.push(f.path);
        if (existing.length > 0)
          throw new UserError(
            `init would overwrite ${existing.join(", ")}; nothing was written (use --force to overwrite)`,
          );
      }
      for (const f of files) await writeOutputFile(path.join(root, f.path), f.content);
      if (opts.quiet) return;
      for (const f of files) process.stdout.write(`  created ${path.join(dir, f.path)}\n`);
      process.stdout.write(`${color.green("✓")} pipegen project ready: npm install, then npx pipegen render\n`);
    });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
