/**
 * The UNLOAD options a spec may list, one clause each (Redshift Database
 * Developer Guide, UNLOAD). pipegen builds the statement, so every option is
 * parsed against this list: a typo is caught when the spec is validated, not
 * when Redshift runs it, and nothing that authorizes (`CREDENTIALS`,
 * `ACCESS_KEY_ID`, `IAM_ROLE`, `MASTER_SYMMETRIC_KEY`, …) can be slipped into
 * the statement through an option. The role is the step's `iamRole`.
 */
import { AWS_PATTERN } from "./common.js";

/** A quoted SQL literal: single quotes, with embedded quotes doubled. */
const LITERAL = "'((?:[^'\\\\]|''|\\\\[^'])*)'";
const SIZE = "(\\d+(?:\\.\\d+)?)\\s*(MB|GB)?";

export type UnloadOption =
  | { readonly kind: "format"; readonly format: "CSV" | "PARQUET" | "JSON" }
  | { readonly kind: "partition"; readonly columns: readonly string[]; readonly include: boolean }
  | { readonly kind: "manifest"; readonly verbose: boolean }
  | { readonly kind: "header" }
  | { readonly kind: "parallel"; readonly on: boolean }
  | { readonly kind: "maxFileSize"; readonly text: string }
  | { readonly kind: "rowGroupSize"; readonly text: string }
  | { readonly kind: "cleanPath" }
  | { readonly kind: "allowOverwrite" }
  | { readonly kind: "kmsKey"; readonly key: string }
  | { readonly kind: "encrypted" }
  | { readonly kind: "compression"; readonly codec: string }
  | { readonly kind: "text"; readonly clause: string }
  | { readonly kind: "region"; readonly region: string };

/** Options that pass authorization or key material; the role goes in `iamRole`, keys in Secrets Manager or KMS. */
const REFUSED = /^\s*(CREDENTIALS|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|IAM_ROLE|MASTER_SYMMETRIC_KEY|WITH)\b/i;

const FORMS: ReadonlyArray<{ readonly pattern: RegExp; readonly parse: (m: RegExpExecArray) => UnloadOption }> = [
  {
    pattern: /^(?:FORMAT\s+(?:AS\s+)?)?(CSV|PARQUET|JSON)$/i,
    parse: (m) => ({ kind: "format", format: m[1]!.toUpperCase() as "CSV" | "PARQUET" | "JSON" }),
  },
  {
    pattern: /^PARTITION\s+BY\s*\(\s*([A-Za-z_][A-Za-z0-9_$]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_$]*)*)\s*\)(\s+INCLUDE)?$/i,
    parse: (m) => ({ kind: "partition", columns: m[1]!.split(",").map((c) => c.trim()), include: m[2] !== undefined }),
  },
  { pattern: /^MANIFEST(\s+VERBOSE)?$/i, parse: (m) => ({ kind: "manifest", verbose: m[1] !== undefined }) },
  { pattern: /^HEADER$/i, parse: () => ({ kind: "header" }) },
  {
    pattern: /^PARALLEL(?:\s+(ON|TRUE|OFF|FALSE))?$/i,
    parse: (m) => ({ kind: "parallel", on: !/^(OFF|FALSE)$/i.test(m[1] ?? "ON") }),
  },
  {
    pattern: new RegExp(`^MAXFILESIZE\\s+(?:AS\\s+)?${SIZE}$`, "i"),
    parse: (m) => ({ kind: "maxFileSize", text: m[0] }),
  },
  {
    pattern: new RegExp(`^ROWGROUPSIZE\\s+(?:AS\\s+)?${SIZE}$`, "i"),
    parse: (m) => ({ kind: "rowGroupSize", text: m[0] }),
  },
  { pattern: /^CLEANPATH$/i, parse: () => ({ kind: "cleanPath" }) },
  { pattern: /^ALLOWOVERWRITE$/i, parse: () => ({ kind: "allowOverwrite" }) },
  {
    pattern: new RegExp(`^KMS_KEY_ID\\s+${LITERAL}$`, "i"),
    parse: (m) => ({ kind: "kmsKey", key: m[1]!.replaceAll("''", "'") }),
  },
  { pattern: /^ENCRYPTED(\s+AUTO)?$/i, parse: () => ({ kind: "encrypted" }) },
  { pattern: /^(GZIP|BZIP2|ZSTD)$/i, parse: (m) => ({ kind: "compression", codec: m[1]!.toUpperCase() }) },
  {
    pattern: new RegExp(
      `^(?:DELIMITER\\s+(?:AS\\s+)?${LITERAL}|FIXEDWIDTH\\s+(?:AS\\s+)?${LITERAL}|NULL\\s+(?:AS\\s+)?${LITERAL}|EXTENSION\\s+${LITERAL}|ADDQUOTES|ESCAPE)$`,
      "i",
    ),
    parse: (m) => ({ kind: "text", clause: m[0] }),
  },
  {
    pattern: new RegExp(`^REGION\\s+(?:AS\\s+)?'(${AWS_PATTERN.region})'$`, "i"),
    parse: (m) => ({ kind: "region", region: m[1]! }),
  },
];

/** The option parsed, or why it is refused. */
export function parseUnloadOption(text: string): UnloadOption | { readonly problem: string } {
  const clause = text.trim().replace(/\s+/g, " ");
  const refused = REFUSED.exec(clause);
  if (refused)
    return {
      problem: `${refused[1]!.toUpperCase()} is not allowed: pipegen never puts credentials into SQL; name the role Redshift assumes in iamRole`,
    };
  for (const form of FORMS) {
    const m = form.pattern.exec(clause);
    if (m) return form.parse(m);
  }
  return {
    problem:
      "is not an UNLOAD option pipegen knows (FORMAT AS CSV|PARQUET|JSON, PARTITION BY (cols) [INCLUDE], MANIFEST [VERBOSE], HEADER, PARALLEL ON|OFF, MAXFILESIZE n MB|GB, ROWGROUPSIZE n MB|GB, CLEANPATH, ALLOWOVERWRITE, ENCRYPTED [AUTO], KMS_KEY_ID '…', GZIP|BZIP2|ZSTD, DELIMITER '…', FIXEDWIDTH '…', NULL AS '…', EXTENSION '…', ADDQUOTES, ESCAPE, REGION '…')",
  };
}

/** Every option of a valid step, parsed (validation has refused the rest). */
export function unloadOptions(options: readonly string[]): UnloadOption[] {
  return options.flatMap((o) => {
    const parsed = parseUnloadOption(o);
    return "problem" in parsed ? [] : [parsed];
  });
}
