/**
 * Notifications to SNS: the Amazon provider's SnsNotifier calls
 * `sns:Publish` on the topic (SnsHook.publish_to_target, the same in 9.0.0
 * and 9.34.0) as the pipeline's AWS connection, that is the MWAA execution
 * role. One statement per topic of the pipeline and of each step, on exactly
 * that topic. A topic encrypted with a customer managed key also needs
 * kms:GenerateDataKey and kms:Decrypt on that key, which the ARN does not say.
 */
import type { ResolvedPipeline } from "../resolve/index.js";
import type { Grant } from "./model.js";

/**
 * @param sid the statement id for the pipeline (no step) or a step, and a purpose
 * @param note records what the user must know beyond the statements
 */
export function notifyGrants(
  resolved: ResolvedPipeline,
  sid: (stepId: string | undefined, purpose: string) => string,
  note: (text: string) => void,
): Grant[] {
  const grants: Grant[] = [];
  const stepIds = [undefined, ...resolved.steps.map((s) => s.step.id)];
  for (const stepId of stepIds) {
    const topics = [
      ...new Set(
        resolved.notifyTargets.flatMap((n) => (n.stepId === stepId && "sns" in n.target ? [n.target.sns] : [])),
      ),
    ];
    topics.forEach((topic, i) => {
      grants.push({
        to: { kind: "execution-role" },
        sid: sid(stepId, `NotifySns${topics.length > 1 ? i + 1 : ""}`),
        explain: `SnsNotifier publishes the ${stepId ? "step's" : "DAG run's"} notifications to ${topic.slice(topic.lastIndexOf(":") + 1)}`,
        actions: ["sns:Publish"],
        resources: [topic],
      });
    });
  }
  if (grants.length > 0)
    note(
      "an SNS topic encrypted with a customer managed KMS key also needs kms:GenerateDataKey and kms:Decrypt on that key for the MWAA execution role; pipegen cannot tell from the topic ARN",
    );
  return grants;
}
