/** The reporters by name; each is a pure function from results to text. */
import type { RunResult } from "../results/types.js";
import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderTerminal } from "./terminal.js";

import { REPORTER_NAMES, type ReporterName } from "./names.js";

export { REPORTER_NAMES, type ReporterName } from "./names.js";

export interface RenderOptions {
  color: boolean;
  width?: number;
  /** Terminal: every probe and every failure's explanation. */
  verbose?: boolean;
}

export const REPORTERS = {
  terminal: (results, options) => results.map((result) => renderTerminal(result, options)).join("\n"),
  json: (results) => renderJson(results.length === 1 ? results[0]! : results),
  markdown: (results) => renderMarkdown(results),
  junit: (results) => renderJunit(results),
  html: (results) => renderHtml(results),
} satisfies Record<ReporterName, (results: RunResult[], options: RenderOptions) => string>;

/** Whether a reporter's output is for machines (no progress on a shared stdout, no colour). */
export const MACHINE_READABLE = { terminal: false, json: true, markdown: true, junit: true, html: true } satisfies Record<ReporterName, boolean>;

export interface ReporterSpec {
  name: ReporterName;
  /** Where it goes; absent: stdout (or --out). */
  path?: string;
}

/** A reporter name that does not exist. */
export class ReporterError extends Error {
  readonly code = "ERR_REPORTER";
  constructor(name: string) {
    super(`unknown reporter '${name}'; choose from ${REPORTER_NAMES.join(", ")} (as name or name:path, comma-separated)`);
    this.name = "ReporterError";
  }
}

/** `terminal,junit:probes.xml,markdown:summary.md` → the reporters and where each goes. */
export function parseReporterSpecs(text: string): ReporterSpec[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const colon = item.indexOf(":");
      const name = colon < 0 ? item : item.slice(0, colon);
      const path = colon < 0 ? undefined : item.slice(colon + 1);
      if (!(REPORTER_NAMES as readonly string[]).includes(name)) throw new ReporterError(name);
      return { name: name as ReporterName, ...(path ? { path } : {}) };
    });
}
