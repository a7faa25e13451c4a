/**
 * Draws a pipeline's task graph as Mermaid or Graphviz DOT: one node per
 * Airflow task labelled with its step kind and operator, and dashed edges
 * into tasks whose trigger rule is not `all_success`. Task ids are Python
 * identifiers and kinds are fixed words, so nothing here needs escaping.
 */
import { type TaskGraph, triggerRuleOf } from "./task-graph.js";

export type DiagramFormat = "mermaid" | "dot";

export function renderDiagram(graph: TaskGraph, dagId: string, format: DiagramFormat): string {
  return format === "mermaid" ? mermaid(graph) : dot(graph, dagId);
}

/** Each task's trigger rule when it is not all_success, by task id (looked up once per edge). */
function rulesOf(graph: TaskGraph): Map<string, string | undefined> {
  return new Map(graph.tasks.map((t) => [t.taskId, triggerRuleOf(t)]));
}

function mermaid(graph: TaskGraph): string {
  const lines = ["flowchart LR"];
  const rules = rulesOf(graph);
  for (const t of graph.tasks) {
    const rule = triggerRuleOf(t);
    lines.push(
      `    ${t.taskId}["${t.taskId}<br/>${t.kind} · ${t.operator.name}${rule ? `<br/>trigger: ${rule}` : ""}"]`,
    );
  }
  for (const [upstream, downstream] of graph.edges) {
    const rule = rules.get(downstream);
    for (const u of upstream) lines.push(rule ? `    ${u} -. ${rule} .-> ${downstream}` : `    ${u} --> ${downstream}`);
  }
  return `${lines.join("\n")}\n`;
}

function dot(graph: TaskGraph, dagId: string): string {
  const lines = [`digraph ${dagId} {`, "    rankdir=LR;", '    node [shape=box, style=rounded, fontname="Helvetica"];'];
  const rules = rulesOf(graph);
  for (const t of graph.tasks) {
    const rule = triggerRuleOf(t);
    const label = `${t.taskId}\\n${t.kind} · ${t.operator.name}${rule ? `\\ntrigger: ${rule}` : ""}`;
    lines.push(`    ${t.taskId} [label="${label}"${rule ? ', style="rounded,dashed"' : ""}];`);
  }
  for (const [upstream, downstream] of graph.edges) {
    const rule = rules.get(downstream);
    for (const u of upstream) lines.push(`    ${u} -> ${downstream}${rule ? ` [style=dashed, label="${rule}"]` : ""};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
