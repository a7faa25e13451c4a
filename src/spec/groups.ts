/**
 * Task groups: boxes in the Airflow graph view that hold steps (and other
 * groups). A step joins one with `group: <id>`; a group sits in another with
 * `parent: <id>`. Groups change how the graph is drawn, never a task id (see
 * render/dag.ts: `prefix_group_id=False`), so `after` always names step ids.
 */
import { z } from "zod";
import { stepId } from "./common.js";

export const taskGroup = z.strictObject({
  /** The group's id, shown in the Airflow UI; unique among groups and step ids. */
  id: stepId,
  /** Shown when the pointer rests on the group in the graph view. */
  tooltip: z.string().optional(),
  /** The group this one sits in; left out, it sits in the DAG itself. */
  parent: z.string().optional(),
});

export type TaskGroup = z.output<typeof taskGroup>;
