/**
 * The writer's failures are the machine's, not pipegen's: they come out as
 * OutputError (exit 1, one line) and leave no staging folder behind.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeDirectory, writeOutputFile } from "../../src/write/files.js";
import { OutputError, writeBundle } from "../../src/write/index.js";

const files = [{ path: "dags/a.py", content: "a = 1\n" }];

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "pipegen-write-"));
});
afterEach(() => rm(work, { recursive: true, force: true }));

describe("writeBundle", () => {
  it("refuses an output path below a file, naming it", async () => {
    await writeFile(path.join(work, "taken"), "x");
    const out = path.join(work, "taken", "dist");
    await expect(writeBundle(out, files)).rejects.toThrow(
      new OutputError(
        `cannot read the output folder ${out}: a part of the path is a file, not a folder; nothing was written`,
      ),
    );
  });

  // Node's recursive mkdir never returns under /proc; the writer must fail instead of spinning.
  it.runIf(process.platform === "linux")(
    "fails, rather than hangs, where no folder can be made",
    async () => {
      const error = await writeBundle("/proc/pipegen-cannot-write-here", files).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutputError);
      expect((error as Error).message).toMatch(
        /^cannot write the bundle to \/proc\/pipegen-cannot-write-here: a folder on the path cannot be created there \(\/proc\/pipegen-cannot-write-here\.pipegen-new-[^)]+\); the previous bundle, if any, is as it was$/,
      );
    },
    10_000,
  );

  it("leaves nothing beside the output folder when it succeeds", async () => {
    const out = path.join(work, "dist");
    await writeBundle(out, files);
    await writeBundle(out, [{ path: "dags/a.py", content: "a = 2\n" }]);
    expect(await readdir(work)).toEqual(["dist"]);
  });
});

describe("makeDirectory and writeOutputFile", () => {
  it("make every missing folder, and accept ones that exist", async () => {
    await makeDirectory(path.join(work, "a/b/c"));
    await makeDirectory(path.join(work, "a/b"));
    await writeOutputFile(path.join(work, "a/b/c/d/file.txt"), "x\n");
    expect((await stat(path.join(work, "a/b/c"))).isDirectory()).toBe(true);
    expect(await readFile(path.join(work, "a/b/c/d/file.txt"), "utf8")).toBe("x\n");
  });

  it.each([
    [
      "below a file",
      (w: string) => path.join(w, "taken/x.json"),
      (w: string) => `cannot write ${w}/taken/x.json: a part of the path is a file, not a folder (${w}/taken)`,
    ],
    [
      "where a folder is",
      (w: string) => path.join(w, "folder"),
      (w: string) => `cannot write ${w}/folder: a folder is in the way of a file`,
    ],
  ])("report a file %s as an OutputError", async (_, file, message) => {
    await writeFile(path.join(work, "taken"), "x");
    await makeDirectory(path.join(work, "folder"));
    await expect(writeOutputFile(file(work), "{}")).rejects.toThrow(new OutputError(message(work)));
  });

  it.runIf(process.platform === "linux")(
    "fail, rather than hang, under /proc",
    async () => {
      await expect(writeOutputFile("/proc/pipegen-nothing-here/x.json", "{}")).rejects.toThrow(
        new OutputError(
          "cannot write /proc/pipegen-nothing-here/x.json: a folder on the path cannot be created there (/proc/pipegen-nothing-here)",
        ),
      );
    },
    10_000,
  );
});
