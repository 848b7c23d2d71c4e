/** The reporters by name; each is a pure function from results to text. */
import type { RunResult } from "../results/types.js";
import { renderJson } from "./json.js";
import { renderTerminal } from "./terminal.js";

import type { ReporterName } from "./names.js";

export { REPORTER_NAMES, type ReporterName } from "./names.js";

export interface RenderOptions {
  color: boolean;
  width?: number;
}

export const REPORTERS = {
  terminal: (results, options) => results.map((result) => renderTerminal(result, options)).join("\n"),
  json: (results) => renderJson(results.length === 1 ? results[0]! : results),
} satisfies Record<ReporterName, (results: RunResult[], options: RenderOptions) => string>;

/** Whether a reporter's output is for machines (no progress on a shared stdout, no colour). */
export const MACHINE_READABLE = { terminal: false, json: true } satisfies Record<ReporterName, boolean>;
