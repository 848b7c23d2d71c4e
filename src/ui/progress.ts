/** Spinners on stderr while a run works: only on a TTY, never with --quiet. Listens to run events; never measures. */
import ora, { type Ora } from "ora";
import { formatDuration, formatRate } from "../reporters/format.js";
import type { RunEvent, RunEventListener } from "../runners/events.js";

export interface Progress {
  listener: RunEventListener;
  note(text: string): void;
  stop(): void;
}

function describe(event: RunEvent): string | null {
  switch (event.type) {
    case "starting":
      return `starting ${event.deployments.join(", ")} on loopback`;
    case "started":
      return event.entries.map((e) => `${e.deployment} ${e.url}`).join(", ");
    case "probes":
      return `sending ${event.count} Host probes`;
    case "warmup":
      return `warming up ${event.deployment} (${event.durationMs} ms)`;
    case "round":
      return `round ${event.round}/${event.rounds}: ${event.deployment} (${event.durationMs} ms)`;
    case "round-done":
      return null;
    case "stopping":
      return "stopping servers";
  }
}

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return { listener: () => {}, note: () => {}, stop: () => {} };
  const spinner: Ora = ora({ stream, discardStdin: false }).start("edgebench");
  return {
    listener: (event) => {
      if (event.type === "round-done") {
        // One line per finished round stays on screen, so drift between rounds is seen while it runs.
        const current = spinner.text;
        spinner.stopAndPersist({ symbol: "·", text: `round ${event.round} ${event.deployment}: ${formatRate(event.rps)} req/s, p50 ${formatDuration(event.p50Us)}` });
        spinner.start(current);
        return;
      }
      const text = describe(event);
      if (text) spinner.text = text;
    },
    note: (text) => {
      spinner.text = text;
    },
    stop: () => spinner.stop(),
  };
}
