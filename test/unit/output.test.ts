/** Reports written atomically: in place on success, nothing left behind when the rename fails. */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { writeAtomically } from "../../src/cli/output.js";

describe("atomic report writes", () => {
  it("replaces the file, and leaves no temporary file when the rename fails", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edgebench-output-test-"));
    try {
      await writeAtomically(join(dir, "report.json"), "{}");
      assert.equal(await readFile(join(dir, "report.json"), "utf8"), "{}");
      // A folder where the report should go: the rename fails (EISDIR or ENOTEMPTY).
      await mkdir(join(dir, "taken", "inside"), { recursive: true });
      await assert.rejects(writeAtomically(join(dir, "taken"), "{}"));
      assert.deepEqual((await readdir(dir)).sort(), ["report.json", "taken"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
