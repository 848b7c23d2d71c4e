/** The base error and what the CLI makes of a failure: usage errors exit 2, a bug exits 70 and names its stack file. */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { EdgebenchError, EXIT, isSystemError } from "../../src/support/errors.js";
import { ThresholdError } from "../../src/scenario/thresholds.js";
import { ReporterError } from "../../src/reporters/index.js";

describe("EdgebenchError", () => {
  it("carries a stable code, its class name and a usage exit code unless told otherwise", () => {
    const error = new ThresholdError("x < 1", "unknown metric");
    assert.ok(error instanceof EdgebenchError);
    assert.equal(error.code, "ERR_THRESHOLD");
    assert.equal(error.name, "ThresholdError");
    assert.equal(error.exitCode, EXIT.usage);
    assert.equal(new ReporterError("nope").code, "ERR_REPORTER");
    assert.equal(new EdgebenchError("ERR_X", "m", EXIT.failed).exitCode, 1);
  });

  it("tells an operating-system error from a bug", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT", syscall: "open" });
    assert.ok(isSystemError(enoent));
    assert.ok(!isSystemError(new TypeError("x is undefined")));
    assert.ok(!isSystemError(Object.assign(new Error("bad"), { code: "ERR_INVALID_ARG_TYPE" })));
  });
});
