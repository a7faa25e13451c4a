/**
 * Notifications to SNS: the Amazon provider's SnsNotifier calls
 * `sns:Publish` on the topic (SnsHook.publish_to_target, the same in 9.0.0
 * and 9.34.0) as the pipeline's AWS connection, that is the MWAA execution
 * role. One statement per topic of the pipeline and of each step, on exactly
 * that topic. A topic encrypted with a customer managed key also needs
 * kms:GenerateDataKey and kms:Decrypt on that key, which the ARN does not say.
 */
import type { ResolvedPipeline } from "../resolve/index.js";
import type { Notify } from "../spec/common.js";
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
  const add = (notify: Notify | undefined, stepId: string | undefined) => {
    const topics = [
      ...new Set(
        [...(notify?.onFailure ?? []), ...(notify?.onSuccess ?? [])].flatMap((t) => ("sns" in t ? [t.sns] : [])),
      ),
    ];
    topics.forEach((topic, i) => {
      grants.push({
        to: { kind: "execution-role" },
        sid: sid(stepId, `NotifySns${topics.length > 1 ? i + 1 : ""}`),
        explain: `SnsNotifier publishes the ${stepId ? `step's` : "DAG run's"} notifications to ${topic.slice(topic.lastIndexOf(":") + 1)}`,
        actions: ["sns:Publish"],
        resources: [topic],
      });
    });
  };
  add(resolved.pipeline.notify, undefined);
  for (const step of resolved.pipeline.steps) add(step.notify, step.id);
  if (grants.length > 0)
    note(
      "an SNS topic encrypted with a customer managed KMS key also needs kms:GenerateDataKey and kms:Decrypt on that key for the MWAA execution role; pipegen cannot tell from the topic ARN",
    );
  return grants;
}
