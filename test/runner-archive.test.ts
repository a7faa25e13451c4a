/**
 * The pin in jars/runner-archive.json is what building gives: the runner that
 * jars/build.sh builds from this checkout (the global setup builds it) packs
 * into exactly the pinned bytes. test/package.test.ts builds it once more from
 * the sources the npm package ships, into an empty cache, and deploys it.
 *
 * When jars/ changes on purpose, the pin moves with it:
 *   UPDATE_RUNNER_PIN=1 npx vitest run test/runner-archive.test.ts
 */
import { writeFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { packRunner } from "../src/runner/archive.js";
import { PIN_FILE, runnerPin } from "../src/runner/pin.js";
import { RUNNER_DIR } from "./helpers/xtable.js";

it("the built runner packs into exactly the archive pinned in jars/runner-archive.json", async () => {
  const archive = await packRunner(RUNNER_DIR);
  if (process.env.UPDATE_RUNNER_PIN)
    await writeFile(PIN_FILE, `${JSON.stringify({ sha256: archive.sha256, size: archive.size }, null, 2)}\n`);
  expect({ sha256: archive.sha256, size: archive.size }).toEqual(runnerPin());
  expect(archive.entries).toContain("pipegen-xtable.jar");
  // Packed twice, the same bytes.
  expect((await packRunner(RUNNER_DIR)).bytes.equals(archive.bytes)).toBe(true);
});
