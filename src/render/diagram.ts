/**
 * Draws a pipeline's task graph as Mermaid or Graphviz DOT: one node per
 * Airflow task labelled with its step kind and operator, and dashed edges
 * into tasks whose trigger rule is not `all_success`. Task ids are Python
 * identifiers and kinds are fixed words, so nothing here needs escaping.
 */
import { type GraphItem, type GraphTask, nestedItems, type TaskGraph, triggerRuleOf } from "./task-graph.js";

export type DiagramFormat = "mermaid" | "dot";

export function renderDiagram(graph: TaskGraph, dagId: string, format: DiagramFormat): string {
  return format === "mermaid" ? mermaid(graph) : dot(graph, dagId);
}

/** Each task's trigger rule when it is not all_success, by task id (looked up once per edge). */
function rulesOf(graph: TaskGraph): Map<string, string | undefined> {
  return new Map(graph.tasks.map((t) => [t.taskId, triggerRuleOf(t)]));
}

/**
 * The node lines, each group's inside its own block (a Mermaid subgraph, a
 * DOT cluster) indented one level deeper. Group ids are identifiers kept
 * apart from task ids by validation, so they name the blocks as they are.
 */
function nodeLines(
  items: readonly GraphItem[],
  indent: string,
  node: (t: GraphTask) => string,
  block: (group: TaskGraph["groups"][number]) => readonly [open: string, close: string],
): string[] {
  return items.flatMap((item) => {
    if ("task" in item) return [`${indent}${node(item.task)}`];
    const [open, close] = block(item.group);
    return [`${indent}${open}`, ...nodeLines(item.items, `${indent}    `, node, block), `${indent}${close}`];
  });
}

function mermaid(graph: TaskGraph): string {
  const lines = ["flowchart LR"];
  const rules = rulesOf(graph);
  lines.push(
    ...nodeLines(
      nestedItems(graph),
      "    ",
      (t) => {
        const rule = triggerRuleOf(t);
        return `${t.taskId}["${t.taskId}<br/>${t.kind} · ${t.operator.name}${rule ? `<br/>trigger: ${rule}` : ""}"]`;
      },
      (g) => [`subgraph ${g.id}["${g.id}"]`, "end"],
    ),
  );
  for (const [upstream, downstream] of graph.edges) {
    const rule = rules.get(downstream);
    for (const u of upstream) lines.push(rule ? `    ${u} -. ${rule} .-> ${downstream}` : `    ${u} --> ${downstream}`);
  }
  return `${lines.join("\n")}\n`;
}

function dot(graph: TaskGraph, dagId: string): string {
  const lines = [`digraph ${dagId} {`, "    rankdir=LR;", '    node [shape=box, style=rounded, fontname="Helvetica"];'];
  const rules = rulesOf(graph);
  lines.push(
    ...nodeLines(
      nestedItems(graph),
      "    ",
      (t) => {
        const rule = triggerRuleOf(t);
        const label = `${t.taskId}\\n${t.kind} · ${t.operator.name}${rule ? `\\ntrigger: ${rule}` : ""}`;
        return `${t.taskId} [label="${label}"${rule ? ', style="rounded,dashed"' : ""}];`;
      },
      (g) => [`subgraph cluster_${g.id} { label="${g.id}";`, "}"],
    ),
  );
  for (const [upstream, downstream] of graph.edges) {
    const rule = rules.get(downstream);
    for (const u of upstream) lines.push(`    ${u} -> ${downstream}${rule ? ` [style=dashed, label="${rule}"]` : ""};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
