/**
 * Every bundled scenario and scenario fixture resolves to the same Scenario (or the same errors) as the snapshot
 * says: the snapshot was taken before the defaults moved into the field table, so it pins that nothing changed.
 */
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { ScenarioError } from "../../src/scenario/issues.js";
import { loadScenario, scenarioFromObject } from "../../src/scenario/load.js";
import { FIXTURES, ROOT, SCENARIOS } from "../helpers/paths.js";
import { assertSnapshot } from "../helpers/snapshot.js";

const APP = { name: "web", allowedHosts: ["app.example.com"] };

/** Scenarios that reach the fields no file sets: shaped hops, work, own apps, the open model, strict knobs. */
const OBJECTS: Record<string, unknown> = {
  "hops and work": {
    apps: [{ ...APP, work: { serviceTime: { distribution: "uniform", min: "1ms", max: "3ms" }, chunks: 2 } }],
    network: {
      clientHop: { latency: "20ms", bandwidthMbps: 100, toClient: { jitter: "1ms" } },
      appHop: { resetProbability: 0.1 },
    },
  },
  "lognormal and answer size": {
    apps: [{ ...APP, work: { serviceTime: { distribution: "lognormal", median: 2, p99: 5 }, answerSize: "4KiB" } }],
  },
  "fixed service time": { apps: [{ ...APP, work: { serviceTime: { time: "5ms" }, chunkDelay: "1ms" } }] },
  "own app by command": {
    apps: [{ name: "own", command: ["node", "server.js"], env: ["A=1"] }],
    policy: { hosts: ["a.test"] },
  },
  "own app by url": {
    apps: [{ name: "own", url: "http://127.0.0.1:5000/x", echoContract: true }],
    policy: { hosts: ["a.test"] },
  },
  "open model by rate": { apps: [APP], load: { rate: 100, bodySize: 3 }, policy: { profile: "strict" } },
  "forwarded fields": {
    apps: [{ ...APP, forwardLimit: null, knownProxies: ["10.0.0.1"], forwardedAllowedHosts: "a.test;b.test" }],
  },
  "wildcard only": { apps: [{ name: "web", allowedHosts: ["*.tenant.example.com"] }], tls: "terminate" },
  "knobs and proxy": {
    apps: [APP],
    proxy: { engine: "nginx", allowedHosts: "app.example.com", exposedPaths: ["/api/*"] },
    policy: { knobs: { trailingDot: "accept" } },
  },
};

/** A Scenario or the error it raised, as text with this checkout's path replaced (undefined kept visible). */
function describeOutcome(outcome: unknown): string {
  return JSON.stringify(outcome, (_key, value: unknown) => (value === undefined ? "<undefined>" : value), 2).replaceAll(
    ROOT,
    "<root>/",
  );
}

async function outcomeOf(load: () => Promise<unknown>): Promise<unknown> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ScenarioError) return { issues: error.issues };
    throw error;
  }
}

describe("resolved scenarios", () => {
  it("are what they were before the defaults moved into the field table", async () => {
    const outcomes: Record<string, unknown> = {};
    const files = [
      ...readdirSync(SCENARIOS).map((name) => `${SCENARIOS}${name}`),
      ...readdirSync(`${FIXTURES}scenarios`).map((name) => `${FIXTURES}scenarios/${name}`),
    ].filter((path) => /\.(ya?ml|json)$/.test(path) && !/appsettings\.[A-Z]/.test(path));
    for (const path of files.sort()) outcomes[path.replace(ROOT, "")] = await outcomeOf(() => loadScenario(path));
    for (const [name, object] of Object.entries(OBJECTS)) {
      outcomes[name] = await outcomeOf(async () => scenarioFromObject(object, `${ROOT}scenarios/object.yaml`));
    }
    assertSnapshot("resolved-scenarios.json", `${describeOutcome(outcomes)}\n`);
  });
});
