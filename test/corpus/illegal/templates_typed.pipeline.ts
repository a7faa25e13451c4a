// A TypeScript spec's template config is typed by the template's zod schema (the
// expected type error below fails `npm run typecheck` if it is not) and checked
// by it at load, located inside `with` like a YAML spec's.
import { definePipeline } from "pipegen";
import { feedV1 } from "./feeds.template.js";

export default definePipeline({
  id: "templates_typed",
  airflowVersion: "3.3.1",
  schedule: "@daily",
  startDate: "2024-01-01",
  steps: [
    feedV1.use({
      id: "orders",
      // @ts-expect-error retries must be a number
      with: { bucket: "partner-landing", key: "orders/_SUCCESS", crawler: "orders", retries: "2" },
    }),
  ],
});
// expect: 16:94 steps[0].with.retries: expected a number, got "2"
