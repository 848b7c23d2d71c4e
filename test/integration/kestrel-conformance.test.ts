/**
 * The simulation answers to real Kestrel: the whole conformance corpus shows no difference that the known-differences
 * list does not explain, an unlisted difference fails, and a scenario run on the real app fails the same probes as
 * on the simulation. Skipped, saying so, only where dotnet is not installed.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, it } from "node:test";
import { conformanceCorpus } from "../../src/conformance/corpus.js";
import { runConformance } from "../../src/conformance/run-conformance.js";
import { formatConformance } from "../../src/reporters/conformance.js";
import { DOTNET_INSTALL_HINT, dotnetVersion } from "../../src/dotnet/build-cache.js";
import type { RunResult } from "../../src/results/types.js";
import { ROOT, SCENARIOS } from "../helpers/paths.js";

const skip = dotnetVersion() === null ? `dotnet is not installed here (${DOTNET_INSTALL_HINT}); CI installs it` : false;

describe("conformance: the simulated app against real Kestrel", { skip }, () => {
  it("has the catalog and at least 300 requests of its own, under eight or more forwarded option sets", () => {
    const corpus = conformanceCorpus();
    const own = corpus.filter((item) => !item.id.includes("/probe:"));
    assert.ok(own.reduce((sum, item) => sum + (item.parts?.length ?? 1), 0) >= 300);
    assert.ok(new Set(corpus.filter((item) => item.set.kind === "forwarded").map((item) => item.set.name)).size >= 8);
    assert.ok(corpus.some((item) => item.h2));
  });

  it("lists no difference without a reason, and no reason without a difference", async () => {
    const result = await runConformance();
    const unexplained = result.differences.filter((difference) => !difference.known);
    assert.deepEqual(
      unexplained.map((difference) => difference.id),
      [],
      formatConformance(result),
    );
    assert.deepEqual(result.stale, [], "known differences that no longer occur must be removed");
    assert.ok(result.identical >= result.cases - result.differences.length);
  });

  it("an unlisted difference is reported with the request, both answers and both beliefs", async () => {
    const corpus = conformanceCorpus().filter((item) => item.id === "any-host/connect");
    const result = await runConformance({ corpus, known: [] });
    assert.equal(result.differences.length, 1);
    const text = formatConformance(result);
    assert.match(text, /1 unexplained/);
    assert.match(text, /request: "CONNECT app\.example\.com:443/);
    assert.match(text, /simulated belief: \{.*"method":"CONNECT"/);
    assert.match(text, /kestrel {3}answer: 500/);
    assert.match(text, /^FAIL/m);
  });

  it("a scenario probed on the real app fails the same probes as on the simulation", async () => {
    const probe = async (runtime: string): Promise<string[]> => {
      const args = [
        `${ROOT}bin/edgebench.js`,
        "probe",
        `${SCENARIOS}xfh-spoofing.yaml`,
        "--app-runtime",
        runtime,
        "-r",
        "json",
      ];
      const outcome = await promisify(execFile)(process.execPath, args, { timeout: 120_000 }).catch(
        (error: { code: number; stdout: string }) => error,
      );
      assert.equal("code" in outcome ? outcome.code : 0, 1, `${runtime}: a failed probe exits 1`);
      const result = JSON.parse(outcome.stdout) as RunResult;
      return result
        .probes!.results.filter((entry) => !entry.pass)
        .map((entry) => `${entry.deployment}/${entry.via}/${entry.probe}: ${entry.explanation}`);
    };
    const [simulated, kestrel] = await Promise.all([probe("simulated"), probe("kestrel")]);
    assert.ok(simulated.length > 0);
    assert.deepEqual(kestrel, simulated);
  });
});
