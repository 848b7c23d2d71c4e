/** The full result as JSON (schemaVersion inside), for machines and for `edgebench compare`. */
import type { RunResult } from "../results/types.js";

export function renderJson(result: RunResult | RunResult[]): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
