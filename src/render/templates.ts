/**
 * The Handlebars environment for everything pipegen emits. Templates are
 * compiled once per process; helpers emit spec values only as Python literals.
 */

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { type PyValue, pyKeywordArgument, pyLiteral } from "./python.js";

const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));

const env = Handlebars.create();
env.registerHelper("kwarg", (name: string, value: PyValue, indent: number) =>
  pyKeywordArgument(name, value, " ".repeat(indent)),
);
env.registerHelper("py", (value: PyValue) => pyLiteral(value));
env.registerHelper("json", (value: unknown) => JSON.stringify(value));
for (const file of readdirSync(`${TEMPLATES_DIR}partials`)) {
  env.registerPartial(file.replace(/\.hbs$/, ""), readFileSync(`${TEMPLATES_DIR}partials/${file}`, "utf8"));
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Renders `templates/<name>` with a view; unknown fields are errors rather than empty output. */
export function renderTemplate(name: string, view: object): string {
  let template = compiled.get(name);
  if (!template) {
    template = env.compile(readFileSync(`${TEMPLATES_DIR}${name}`, "utf8"), { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(view);
}
