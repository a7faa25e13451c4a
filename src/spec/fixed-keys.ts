/**
 * Keys whose values are the same in every environment, so that a spec may
 * not read an environment value (`${env.<name>}`) there: ids name files,
 * tasks and edges, kinds pick the schema, `after` draws the edges, and `use`
 * pins the template a step expands to. load/environment.ts refuses a
 * reference under one of them; the JSON Schema does not offer one there.
 */
export const ENV_FIXED_KEYS: ReadonlySet<string> = new Set(["id", "kind", "after", "use"]);
