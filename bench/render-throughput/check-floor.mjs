/**
 * The second floor of the render-throughput benchmark: what any pipegen built
 * on this stack must at least do per spec, and nothing more. It reads each
 * spec, parses it the way pipegen does (js-yaml's core schema for YAML;
 * sucrase and one compiled function for TypeScript), checks it against
 * pipegen's zod schema, and writes one file per spec. No rendering, no
 * positions, no cross-checks.
 *
 *   node bench/render-throughput/check-floor.mjs <specs-dir> <out-dir>
 */

import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { compileFunction } from "node:vm";
import { CORE_SCHEMA, load } from "js-yaml";
import { transform } from "sucrase";
import { pipeline } from "../../build/spec/pipeline.js";

const [specs, out] = process.argv.slice(2);
await mkdir(`${out}/dags`, { recursive: true });
const files = (await readdir(specs)).sort();
const texts = await Promise.all(files.map((f) => readFile(`${specs}/${f}`, "utf8")));

const definePipeline = (spec) => spec;
function evaluate(text, filename) {
  const { code } = transform(text, {
    transforms: ["typescript", "imports"],
    disableESTransforms: true,
    filePath: filename,
  });
  const module = { exports: {} };
  compileFunction(code, ["exports", "require", "module"], { filename })(
    module.exports,
    () => ({ definePipeline }),
    module,
  );
  return module.exports.default;
}

const checked = texts.map((text, i) => {
  const data = files[i].endsWith(".ts") ? evaluate(text, files[i]) : load(text, { schema: CORE_SCHEMA });
  const result = pipeline.safeParse(data);
  if (!result.success) throw new Error(`${files[i]} is not a valid spec`);
  return result.data;
});
await Promise.all(checked.map((spec, i) => writeFile(`${out}/dags/${files[i]}.py`, JSON.stringify(spec))));
