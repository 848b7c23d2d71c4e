/**
 * Snapshot files in test/snapshots/: a test compares output with the stored file; UPDATE_SNAPSHOTS=1 rewrites the
 * files instead (review the diff before committing it).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { ROOT } from "./paths.js";

export function assertSnapshot(name: string, actual: string): void {
  const path = `${ROOT}test/snapshots/${name}`;
  if (process.env.UPDATE_SNAPSHOTS === "1") {
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `no snapshot ${name}; run the tests with UPDATE_SNAPSHOTS=1 to write it`);
  assert.equal(
    actual,
    readFileSync(path, "utf8"),
    `output differs from test/snapshots/${name} (UPDATE_SNAPSHOTS=1 refreshes it)`,
  );
}
