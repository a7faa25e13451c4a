/**
 * Keys whose values are the same in every environment, so that a spec may
 * not read an environment value (`${env.<name>}`) there: ids name files,
 * tasks and edges, kinds pick the schema, `after` draws the edges, and `use`
 * pins the template a step expands to. The JSON Schema does not offer a
 * reference under these property names.
 */
export const ENV_FIXED_KEYS: ReadonlySet<string> = new Set(["id", "kind", "after", "use"]);

/**
 * The fixed key a spec path lies under, or undefined: the pipeline's `id`,
 * a step's `id`, `kind`, `after` or `use`, a group's `id`. Only these
 * places: an operator argument or a template's `with:` key that happens to
 * be called `id` takes an environment value like any other value.
 */
export function fixedKeyAt(path: readonly PropertyKey[]): string | undefined {
  const [first, index, key] = path;
  if (path.length === 1 && first === "id") return "id";
  if (first === "steps" && typeof index === "number" && typeof key === "string" && ENV_FIXED_KEYS.has(key)) return key;
  if (first === "groups" && typeof index === "number" && key === "id") return key;
  return undefined;
}
