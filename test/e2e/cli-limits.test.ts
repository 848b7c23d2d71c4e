/** The command line has the scenario file's limits: a round of 0 ms or a warm-up of 20 min is refused, exit 2. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "../helpers/paths.js";

const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, "bin/edgebench.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 20_000,
  });

describe("command-line duration limits", () => {
  it("refuses -d 0 and -w beyond 10 min before anything starts", () => {
    const zero = run("run", "-d", "0", "scenarios/default.yaml");
    assert.equal(zero.status, 2);
    assert.match(
      zero.stderr,
      /-d, --duration <time>' argument '0' is invalid\. expected a duration from 100 ms to 3600000 ms, found 0 ms/,
    );
    const long = run("bench", "-w", "20m", "scenarios/default.yaml");
    assert.equal(long.status, 2);
    assert.match(long.stderr, /expected a duration from 0 ms to 600000 ms, found 1200000 ms/);
  });
});
