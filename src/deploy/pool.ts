/**
 * Runs tasks with a bounded number in flight. After the first failure no new
 * task starts (the ones in flight finish), so a deploy against a failing
 * bucket stops quickly and reports the rest as not attempted.
 */

export interface PoolOutcome<T, R> {
  readonly done: readonly { item: T; result: R }[];
  readonly failed: readonly { item: T; error: unknown }[];
  readonly notStarted: readonly T[];
}

/** Runs `task` for each item, at most `concurrency` at a time; see the module comment for failures. */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<PoolOutcome<T, R>> {
  const done: { item: T; result: R }[] = [];
  const failed: { item: T; error: unknown }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && failed.length === 0) {
      const item = items[next++]!;
      try {
        done.push({ item, result: await task(item) });
      } catch (error) {
        failed.push({ item, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return { done, failed, notStarted: items.slice(next) };
}
