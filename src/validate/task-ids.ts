/**
 * Steps that wait with a sensor add a `wait_for_<id>` task. This catches a
 * generated task id that collides with a step id, which the schema cannot see.
 */
import type { Problem } from "../errors.js";
import type { Locator } from "../load/index.js";
import { taskGraph } from "../render/task-graph.js";
import type { ResolvedPipeline } from "../resolve/index.js";

export function taskIdProblems(resolved: ResolvedPipeline, locate: Locator): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  const stepIndex = new Map(resolved.pipeline.steps.map((s, i) => [s.id, i]));
  for (const task of taskGraph(resolved).tasks) {
    if (!seen.has(task.taskId)) {
      seen.add(task.taskId);
      continue;
    }
    const index = stepIndex.get(task.taskId) ?? 0;
    problems.push({
      file: resolved.file,
      ...locate(["steps", index, "id"]),
      path: `steps[${index}].id`,
      message: `task id "${task.taskId}" is also the sensor task another step generates`,
      hint: "rename the step; steps that wait with a sensor add a task named wait_for_<step id>",
    });
  }
  return problems;
}
