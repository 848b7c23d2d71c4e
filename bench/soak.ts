/**
 * `npm run bench -- --soak [minutes]`: load on both topologies of the default scenario for a long time (default 10
 * minutes), alternating every 10 s, printing RSS and active handles at the start, every minute and at the end.
 * Goal: RSS growth ≤ 10 %, no handle growth. Not a test: it takes minutes.
 */
import { runLoad } from "../src/runners/load/run-load.js";
import { loadScenario } from "../src/scenario/load.js";
import { startTopology } from "../src/topology/start.js";

interface Sample {
  minute: number;
  rssMiB: number;
  handles: number;
  requests: number;
}

export async function soak(minutes: number, scenarioPath: string): Promise<Record<string, unknown>> {
  const scenario = await loadScenario(scenarioPath);
  const topology = await startTopology(scenario);
  const line = (text: string): void => void process.stdout.write(`${text}\n`);
  const sample = (minute: number, requests: number): Sample => ({
    minute,
    rssMiB: Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10,
    handles: process.getActiveResourcesInfo().length,
    requests,
  });
  let requests = 0;
  const samples: Sample[] = [];
  try {
    // One minute of load first: JIT and pools reach their working size before the baseline is taken.
    const warmUntil = Date.now() + 60_000;
    for (let i = 0; Date.now() < warmUntil; i++) {
      const target = topology.running[i % topology.running.length]!;
      await runLoad({ ...settings(scenario), url: target.entry.url, durationMs: 10_000 });
    }
    samples.push(sample(0, 0));
    line(
      `soak · ${minutes} min on ${topology.running.map((t) => t.kind).join(" and ")}: start RSS ${samples[0]!.rssMiB} MiB, ${samples[0]!.handles} active handles`,
    );
    const end = Date.now() + minutes * 60_000;
    let nextSample = Date.now() + 60_000;
    for (let i = 0; Date.now() < end; i++) {
      const target = topology.running[i % topology.running.length]!;
      const run = await runLoad({
        ...settings(scenario),
        url: target.entry.url,
        durationMs: Math.min(10_000, Math.max(100, end - Date.now())),
      });
      requests += run.responses;
      if (Date.now() >= nextSample) {
        const s = sample(samples.length, requests);
        samples.push(s);
        line(`  minute ${s.minute}: RSS ${s.rssMiB} MiB, ${s.handles} handles, ${s.requests} responses so far`);
        nextSample += 60_000;
      }
    }
  } finally {
    await topology.close();
  }
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const growth = (last.rssMiB - first.rssMiB) / first.rssMiB;
  line(
    `soak done: ${requests} responses; RSS ${first.rssMiB} → ${last.rssMiB} MiB (${(growth * 100).toFixed(1)} %, goal ≤ 10 %), ` +
      `handles ${first.handles} → ${last.handles} (goal: no growth)`,
  );
  return {
    minutes,
    responses: requests,
    samples,
    rssGrowth: Math.round(growth * 1000) / 1000,
    handleGrowth: last.handles - first.handles,
  };
}

function settings(scenario: Awaited<ReturnType<typeof loadScenario>>) {
  const { load } = scenario;
  return {
    host: load.host,
    method: load.method,
    path: load.path,
    body: load.body,
    connections: load.connections,
    pipelining: load.pipelining,
  };
}
