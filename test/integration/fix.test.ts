/** `edgebench fix` on real servers: each cause's change applied to a copy, proven by probing the copy again. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { fixScenario } from "../../src/fixes/fix-scenario.js";
import { loadScenario } from "../../src/scenario/load.js";
import { FIXTURES, SCENARIOS } from "../helpers/paths.js";
import { ENGINE_DRIVERS, engineVersion } from "../../src/engines/start-engine.js";
import type { Scenario } from "../../src/scenario/types.js";

describe("edgebench fix", () => {
  it("xfh-spoofing: two causes, 12 failures before and none on the fixed copy, the user's file untouched", async () => {
    const original = await readFile(`${SCENARIOS}xfh-spoofing.yaml`, "utf8");
    const outcome = await fixScenario(`${SCENARIOS}xfh-spoofing.yaml`);
    assert.deepEqual(
      outcome.before.causes!.map((c) => c.id),
      ["app-trusts-any-peer", "proxy-passes-client-forwarding"],
    );
    assert.equal(outcome.before.probes!.failed, 12);
    assert.equal(outcome.after!.probes!.failed, 0);
    assert.equal(outcome.after!.verdict.passed, true);
    assert.equal(await readFile(`${SCENARIOS}xfh-spoofing.yaml`, "utf8"), original);
    const fixed = outcome.files[0]!.text;
    assert.match(fixed, /stripClientForwarded: true/);
    // Comments of the user's file stay.
    assert.match(fixed, /^# An app that trusts X-Forwarded-Host from anyone/m);
  });

  it("allowed-hosts-star: every failure gone once AllowedHosts lists the hosts and empty Hosts are refused", async () => {
    const outcome = await fixScenario(`${SCENARIOS}allowed-hosts-star.yaml`);
    assert.deepEqual(
      outcome.before.causes!.map((c) => c.id),
      ["app-allows-any-host", "app-allows-empty-host"],
    );
    assert.ok(outcome.before.probes!.failed > 20);
    assert.equal(outcome.after!.probes!.failed, 0);
  });

  it("patches the appsettings.json the scenario names and points the copy at it", async () => {
    const outcome = await fixScenario(`${FIXTURES}fix/template-appsettings.yaml`);
    const [cause] = outcome.before.causes!;
    assert.equal(cause!.id, "app-allows-any-host");
    assert.match(
      cause!.change.appsettings!.diff!,
      /^\+  "AllowedHosts": "app\.example\.com;\*\.tenant\.example\.com",$/m,
    );
    assert.equal(outcome.after!.probes!.failed, 0);
    const [scenario, settings] = outcome.files;
    assert.match(scenario!.text, /appsettings: appsettings\.Template\.json/);
    assert.equal(settings!.name, "appsettings.Template.json");
    assert.match(settings!.text, /\/\/ The project template's file/);
    // In place, only the appsettings file changes: the scenario, no field of which does, is left as it was.
    assert.deepEqual(
      outcome.inPlace.map((file) => file.original),
      [`${FIXTURES}fix/settings/appsettings.Template.json`],
    );
    assert.equal((await loadScenario(`${FIXTURES}fix/template-appsettings.yaml`)).apps[0]!.allowedHosts.join(), "*");
  });

  const noCaddy =
    engineVersion(ENGINE_DRIVERS.caddy) === null ? "caddy is not installed (apt-get install caddy)" : false;
  it(
    "works the stripping lines into the user's own Caddyfile and proves them behind Caddy",
    { skip: noCaddy },
    async () => {
      const config = `${FIXTURES}fix/Caddyfile.passes-forwarding`;
      const behindCaddy = (scenario: Scenario): Scenario => ({
        ...scenario,
        proxy: { ...scenario.proxy, engine: "caddy", engineConfig: config },
      });
      const outcome = await fixScenario(`${SCENARIOS}xfh-spoofing.yaml`, { adjust: behindCaddy });
      assert.ok(outcome.before.probes!.failed > 0);
      assert.equal(
        outcome.after!.probes!.failed,
        0,
        JSON.stringify(outcome.after!.probes!.results.filter((r) => !r.pass).map((r) => r.probe)),
      );
      const fixed = outcome.files.find((file) => file.name === "Caddyfile.passes-forwarding")!;
      assert.match(fixed.text, /reverse_proxy \{\{UPSTREAM_0\}\} \{\n {4}header_up -X-Forwarded-Prefix/);
      assert.equal(fixed.original, config);
    },
  );
});
