/**
 * Errors of the XTable harness (`pipegen xtable ...`). All are user errors
 * (exit 1): the bin prints the message, which is one paragraph naming the
 * table or file, what is wrong and what to do.
 */
import { UserError } from "../errors.js";

/** A path that is not a readable Delta table, or a Delta log that cannot be read. */
export class DeltaTableError extends UserError {
  override readonly name = "DeltaTableError";
}

/** A table whose Iceberg metadata is missing or cannot be read. */
export class IcebergMetadataError extends UserError {
  override readonly name = "IcebergMetadataError";
}

/** One Delta feature that XTable would mistranslate (see delta-features.ts). */
export interface UnsupportedFeature {
  /** Stable identifier, e.g. `deletionVectors`. */
  readonly feature: string;
  /** What was found and why XTable gets it wrong. */
  readonly detail: string;
}

/** A Delta table uses features XTable would silently get wrong; nothing was synced. */
export class UnsupportedDeltaFeatureError extends UserError {
  override readonly name = "UnsupportedDeltaFeatureError";
  constructor(
    readonly table: string,
    readonly features: readonly UnsupportedFeature[],
  ) {
    super(
      `refusing to translate the Delta table ${table}: ${features.map((f) => `${f.feature} — ${f.detail}`).join("; ")}. ` +
        (features.every((f) => f.feature === "timestampNtzHudi")
          ? "XTable would produce a Hudi table its readers cannot read; nothing was synced."
          : // The runner's DeltaSafetyCheck ends its refusal with the same sentence (tests compare them).
            "XTable would fail on it or produce an Iceberg table with wrong data or a wrong schema; nothing was synced."),
    );
  }
}

/** `pipegen xtable verify` found differences between the Delta log and the Iceberg metadata. */
export class VerificationFailedError extends UserError {
  override readonly name = "VerificationFailedError";
}

/** Bad `xtable run` input: dataset/catalog config, runner location, spec step. */
export class XTableConfigError extends UserError {
  override readonly name = "XTableConfigError";
}

/** Java or the runner could not be started. */
export class XTableSetupError extends UserError {
  override readonly name = "XTableSetupError";
}

/** The runner ran but did not sync every dataset to every format. */
export class XTableSyncError extends UserError {
  override readonly name = "XTableSyncError";
}
