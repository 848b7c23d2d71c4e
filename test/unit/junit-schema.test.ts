/** The JUnit reporter's output against the JUnit XML schema CI systems read (xmllint, from Debian's libxml2-utils). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderJunit } from "../../src/reporters/junit.js";
import type { RunResult } from "../../src/results/types.js";
import { FIXTURES } from "../helpers/paths.js";

const XSD = `${FIXTURES}junit/junit-10.xsd`;
const noXmllint = spawnSync("xmllint", ["--version"]).error
  ? "xmllint is not installed (apt-get install libxml2-utils)"
  : false;

async function validates(xml: string): Promise<{ ok: boolean; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), "edgebench-junit-"));
  try {
    const file = join(dir, "report.xml");
    await writeFile(file, xml);
    const result = spawnSync("xmllint", ["--noout", "--schema", XSD, file], { encoding: "utf8" });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("JUnit XML schema", { skip: noXmllint }, () => {
  it("accepts what the reporter writes, failures, skipped probes and thresholds included", async () => {
    const results = await Promise.all(
      ["run-result", "probe-only"].map(
        async (name) => JSON.parse(await readFile(`${FIXTURES}results/${name}.json`, "utf8")) as RunResult,
      ),
    );
    const xml = renderJunit(results);
    assert.match(xml, /<failure /);
    const { ok, output } = await validates(xml);
    assert.ok(ok, output);
  });

  it("refuses a document the schema does not allow (a test case without a name)", async () => {
    const { ok } = await validates(
      '<?xml version="1.0"?>\n<testsuites><testsuite name="s" tests="1"><testcase classname="c"/></testsuite></testsuites>\n',
    );
    assert.equal(ok, false);
  });
});
