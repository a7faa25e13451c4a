/**
 * Errors of `pipegen deploy`. All are user errors (exit code 1): a bad flag,
 * a bucket or environment that is not set up for MWAA, or AWS failing in a
 * way that retries did not overcome. None of them is a bug in pipegen.
 *
 * Nearly every deploy module throws these, so this module imports nothing of
 * theirs (an import here would close a cycle). `DeployIncompleteError`, which
 * carries a deploy report, lives with the report in report.ts.
 */
import { UserError } from "../errors.js";

/** A setting is missing or invalid (flag, environment variable or config file). */
export class DeploySettingsError extends UserError {
  override readonly name = "DeploySettingsError";
}

/** The bucket, the environment or the named AWS resources are not ready for a deploy. Nothing was written. */
export class PreflightError extends UserError {
  override readonly name = "PreflightError";
}

/** An AWS call failed permanently (after retries, or with a non-transient error). */
export class AwsCallError extends UserError {
  override readonly name = "AwsCallError";
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}
