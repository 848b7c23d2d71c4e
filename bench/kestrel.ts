/**
 * Real Kestrel in the bench: the bundled ASP.NET Core app direct and behind the builtin proxy, nginx, HAProxy and
 * Caddy (ratios to nginx, as for the simulated app), and the simulated app's capacity as a ratio of real Kestrel's
 * (server CPU per request, paired by round), so the README can say how far the simulation's numbers are from the
 * real server's. Skipped with the install hint where dotnet is missing.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { startKestrelApp } from "../src/apps/kestrel/driver.js";
import { DOTNET_INSTALL_HINT, dotnetVersion } from "../src/dotnet/build-cache.js";
import { PROXY_SOURCE_ADDRESS } from "../src/topology/source-address.js";
import { compareProxies, type ProxyFigures } from "./proxies.js";
import { PIN, startServer, type Started } from "./start-server.js";

const TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** A process's CPU time so far (user + system, all threads), µs, from /proc (Linux). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // After "pid (comm) ": state is field 0, utime 11, stime 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

export interface KestrelFigures {
  dotnet: string;
  proxies: ProxyFigures;
  /** Simulated app ÷ real Kestrel: capacity (CPU per request, paired by round) and req/s. */
  simulatedVsKestrel: {
    capacityRatio: number;
    rpsRatio: number;
    kestrelRps: number;
    simulatedRps: number;
    kestrelCpuUsPerRequest: number;
    simulatedCpuUsPerRequest: number;
  };
}

type CompareThroughput = (
  servers: Record<string, Started>,
) => Promise<Record<string, { rps: number; cpuUsPerRequest: number; pairedCapacityRatio: number }>>;

export async function benchKestrel(
  settings: { rounds: number; roundMs: number; rate: number },
  compareThroughput: CompareThroughput,
  line: (text: string) => void,
): Promise<KestrelFigures | { skipped: string }> {
  const dotnet = dotnetVersion();
  if (dotnet === null) {
    line(`real Kestrel: skipped, dotnet is not installed (${DOTNET_INSTALL_HINT})`);
    return { skipped: `dotnet is not installed (${DOTNET_INSTALL_HINT})` };
  }
  const options = {
    name: "web",
    allowedHosts: ["app.example.com"],
    proxyAddresses: [PROXY_SOURCE_ADDRESS, "127.0.0.1"],
  };
  const kestrel = await startKestrelApp(options);
  try {
    line(`real Kestrel (ASP.NET Core, .NET SDK ${dotnet}) behind each proxy:`);
    const proxies = await compareProxies(settings.rounds, settings.roundMs, settings.rate, line, kestrel);
    // Capacity: the two apps alone, the bench pinned as for the simulated app's own figures.
    if (PIN)
      spawnSync("taskset", ["-a", "-pc", String(availableParallelism() - 1), String(kestrel.pid)], { stdio: "ignore" });
    const simulated = await startServer({ kind: "app", options });
    try {
      const kestrelStarted: Started = {
        url: kestrel.url,
        cpuUs: async () => processCpuUs(kestrel.pid),
        close: async () => {},
      };
      const measured = await compareThroughput({ "real Kestrel": kestrelStarted, "simulated app": simulated });
      const real = measured["real Kestrel"]!;
      const sim = measured["simulated app"]!;
      const round3 = (value: number): number => Math.round(value * 1000) / 1000;
      const figures = {
        capacityRatio: round3(sim.pairedCapacityRatio),
        rpsRatio: round3(sim.rps / real.rps),
        kestrelRps: real.rps,
        simulatedRps: sim.rps,
        kestrelCpuUsPerRequest: real.cpuUsPerRequest,
        simulatedCpuUsPerRequest: sim.cpuUsPerRequest,
      };
      line(
        `simulated app vs real Kestrel, same options, alone: req/s ${sim.rps} vs ${real.rps} ` +
          `(×${figures.rpsRatio.toFixed(2)}), server CPU ${sim.cpuUsPerRequest} vs ${real.cpuUsPerRequest}` +
          ` µs/request: ` +
          `capacity ×${figures.capacityRatio.toFixed(2)} of Kestrel's`,
      );
      return { dotnet, proxies, simulatedVsKestrel: figures };
    } finally {
      await simulated.close();
    }
  } finally {
    await kestrel.close();
  }
}
