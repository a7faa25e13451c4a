/**
 * The runner archive pinned in the repository (jars/runner-archive.json): the
 * SHA-256 and size of the archive that jars/build.sh and `packRunner` make
 * from this checkout's jars/ (the build is byte for byte reproducible;
 * test/runner-archive.test.ts rebuilds it and compares). `render` writes the
 * pin into startup.sh without building anything, and `deploy` refuses to
 * upload an archive whose bytes differ from it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The pin file, shipped in the npm package with the runner's sources. */
export const PIN_FILE = fileURLToPath(new URL("../../jars/runner-archive.json", import.meta.url));

/** The identity of the pinned archive. */
export interface RunnerPin {
  /** Hex SHA-256 of the archive. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly size: number;
}

let pin: RunnerPin | undefined;

/**
 * The pinned archive.
 * @throws {Error} when the pin file is missing or malformed (a broken install: an internal error)
 */
export function runnerPin(): RunnerPin {
  if (pin) return pin;
  const data = JSON.parse(readFileSync(PIN_FILE, "utf8")) as Partial<RunnerPin>;
  if (typeof data.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(data.sha256) || !Number.isSafeInteger(data.size))
    throw new Error(`${PIN_FILE} does not hold {"sha256": "<64 hex digits>", "size": <bytes>}`);
  pin = { sha256: data.sha256, size: data.size! };
  return pin;
}
