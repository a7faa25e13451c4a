/**
 * Retries with exponential backoff and full jitter for transient AWS
 * failures: 5xx, throttling, request timeouts and dropped connections.
 * The SDK clients are built with `maxAttempts: 1`, so this is the only retry
 * layer and its counts appear in the deploy report.
 */

import { DEPLOY_OPTIONS } from "../spec/deploy-settings.js";

/** How often and how long to retry transient failures. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Told about every retry (the deploy counts them for its report). */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/** Backoff from a quarter second up to ten; as many retries as `--retries` allows by default. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: DEPLOY_OPTIONS.retries.default,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

const TRANSIENT_NAMES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalError",
  "InternalFailure",
  "InternalServerException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "TimeoutError",
]);

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/** Whether retrying the same request may succeed. */
export function isTransient(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as AwsLikeError;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  // Node's HTTP client reports a dropped connection as "socket hang up" with ECONNRESET.
  if (/socket hang up|ECONNRESET|EPIPE/.test(e.message ?? "")) return true;
  return e.cause !== undefined && e.cause !== error && isTransient(e.cause);
}

/** The attempt count of a failure that `withRetry` gave up on. */
export class RetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`${describeError(cause)} (${attempts} attempt${attempts === 1 ? "" : "s"})`);
  }
}

/**
 * Runs `fn`, retrying transient failures. A non-transient failure is
 * rethrown at once; when retries run out, throws `RetriesExhausted`.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (error: unknown, attempt: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt > policy.retries) throw new RetriesExhausted(attempt, error);
      policy.onRetry?.(error, attempt);
      onRetry?.(error, attempt);
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await policy.sleep(Math.round(policy.random() * cap));
    }
  }
}

/** One line for an AWS or network error: `SlowDown (HTTP 503): Please reduce your request rate.` */
export function describeError(error: unknown): string {
  if (error instanceof RetriesExhausted) return error.message;
  if (typeof error !== "object" || error === null) return String(error);
  const e = error as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.code && e.name === "Error" ? e.code : (e.name ?? "Error");
  const message = (e.message ?? "").split("\n")[0]!.trim();
  const head = status ? `${name} (HTTP ${status})` : name;
  return message && message !== name && message !== "UnknownError" ? `${head}: ${message}` : head;
}
