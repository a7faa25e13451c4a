/**
 * Steps that wait with a sensor add a `wait_for_<id>` task. This catches a
 * task id that is both a step's own and the sensor task of another, which
 * the schema cannot see.
 */
import type { SpecProblem } from "../problem.js";
import type { ResolvedPipeline } from "./index.js";

export function taskIdProblems(resolved: ResolvedPipeline): SpecProblem[] {
  const seen = new Set<string>();
  const problems: SpecProblem[] = [];
  const stepIndex = new Map(resolved.steps.map((s) => [s.step.id, s.index]));
  // Airflow keeps group ids in the task ids' namespace; validation has kept them apart from step ids.
  const groupIndex = new Map(resolved.groups.map((g, i) => [g.id, i]));
  for (const taskId of resolved.steps.flatMap((s) => s.taskIds)) {
    const group = groupIndex.get(taskId);
    if (group !== undefined)
      problems.push({
        file: resolved.file,
        path: ["groups", group, "id"],
        message: `group id "${taskId}" is also the sensor task a step generates`,
        hint: "rename the group; steps that wait with a sensor add a task named wait_for_<step id>",
      });
    if (!seen.has(taskId)) {
      seen.add(taskId);
      continue;
    }
    problems.push({
      file: resolved.file,
      path: ["steps", stepIndex.get(taskId) ?? 0, "id"],
      message: `task id "${taskId}" is also the sensor task another step generates`,
      hint: "rename the step; steps that wait with a sensor add a task named wait_for_<step id>",
    });
  }
  return problems;
}
