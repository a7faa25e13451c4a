/**
 * The parse-cost benchmark's inputs for one (Airflow version, N): the same N
 * generated pipelines as (a) a bundle rendered by the real `pipegen render`,
 * (b) dag-factory YAML plus its loader file, (c) hand-written DAG files.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  DAG_FACTORY_LOADER,
  dagFactoryYaml,
  handWrittenPy,
  makePipeline,
  pipegenYaml,
  usesXTable,
} from "./generate.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The three variants, in the order the tables list them. */
export const VARIANTS = ["pipegen", "dagfactory", "handwritten"];

/**
 * Writes the three DAG folders under `dir` (emptied first) and returns their
 * `dags/` paths, how long the render took, and what the pipelines hold.
 */
export function prepareInputs({ dir, version, n, seed }) {
  const major = Number(version.split(".")[0]);
  fs.rmSync(dir, { recursive: true, force: true });
  const specs = path.join(dir, "specs");
  const folders = Object.fromEntries(VARIANTS.map((v) => [v, path.join(dir, v, "dags")]));
  for (const d of [specs, folders.handwritten, path.join(folders.dagfactory, "configs")])
    fs.mkdirSync(d, { recursive: true });

  let steps = 0;
  let xtable = 0;
  for (let i = 0; i < n; i++) {
    const spec = makePipeline(i, seed);
    steps += spec.steps.length;
    if (usesXTable(spec)) xtable++;
    fs.writeFileSync(path.join(specs, `${spec.id}.pipeline.yaml`), pipegenYaml(spec));
    fs.writeFileSync(path.join(folders.dagfactory, "configs", `${spec.id}.yaml`), dagFactoryYaml(spec, major));
    fs.writeFileSync(path.join(folders.handwritten, `${spec.id}.py`), handWrittenPy(spec, major));
  }
  fs.writeFileSync(path.join(folders.dagfactory, "load_dag_factory_dags.py"), DAG_FACTORY_LOADER);

  // (a) with the real CLI: specs pin 2.10.3, --airflow-version renders them for `version`.
  const args = [
    path.join(ROOT, "build/bin/pipegen.js"),
    "render",
    specs,
    "--out",
    path.join(dir, "pipegen"),
    "--airflow-version",
    version,
    "--quiet",
  ];
  const t0 = process.hrtime.bigint();
  const r = spawnSync("node", args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  const renderS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`pipegen render exited ${r.status} on the generated specs`);

  // The XTable operator module ships in pipegen's bundle; (b) and (c) use the very same module.
  for (const v of ["dagfactory", "handwritten"]) {
    for (const f of ["pipegen_xtable", ".airflowignore"]) {
      const src = path.join(folders.pipegen, f);
      if (fs.existsSync(src)) fs.cpSync(src, path.join(folders[v], f), { recursive: true });
    }
  }
  return {
    folders,
    renderS,
    steps,
    tasks: 0,
    xtable,
    bytes: Object.fromEntries(VARIANTS.map((v) => [v, folderBytes(folders[v])])),
  };
}

/** Bytes of the DAG sources (not bytecode, not the shared XTable module, not dotfiles). */
function folderBytes(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath ?? e.path, e.name);
    if (e.isFile() && !p.includes("__pycache__") && !p.includes("pipegen_xtable") && !e.name.startsWith("."))
      total += fs.statSync(p).size;
  }
  return total;
}
