/** JUnit XML for CI systems: one test suite per scenario and topology, one test case per probe and per threshold. */
import type { ProbeResult, RunResult } from "../results/types.js";
import { answerWithSource, measuredText } from "./format.js";
import { causeOf } from "./causes.js";

function escape(text: string): string {
  // XML 1.0 cannot carry most control characters at all, even escaped: they are shown as \xNN.
  return text
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g,
      (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`,
    )
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** The suite a probe belongs to: its deployment, `proxied (nginx)`, or `proxied (bypassing the nginx proxy)`. */
function suiteLabel(result: ProbeResult): string {
  const [topology, ...parts] = result.deployment.split("/");
  const proxy = parts.join("/");
  if (result.via === "bypass") return `${topology} (bypassing the ${proxy} proxy)`;
  return proxy ? `${topology} (${proxy})` : result.deployment;
}

interface Case {
  classname: string;
  name: string;
  seconds: number;
  failure?: { message: string; details: string };
  skipped?: string;
}

function suite(name: string, cases: Case[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const time = cases.reduce((sum, c) => sum + c.seconds, 0);
  const body = cases
    .map((c) => {
      const open = `    <testcase classname="${escape(c.classname)}" name="${escape(c.name)}" time="${c.seconds.toFixed(3)}"`;
      if (c.failure)
        return `${open}>\n      <failure message="${escape(c.failure.message)}" type="edgebench">${escape(c.failure.details)}</failure>\n    </testcase>`;
      if (c.skipped) return `${open}>\n      <skipped message="${escape(c.skipped)}"/>\n    </testcase>`;
      return `${open}/>`;
    })
    .join("\n");
  return `  <testsuite name="${escape(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">\n${body}\n  </testsuite>`;
}

export function renderJunit(results: readonly RunResult[]): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const result of results) {
    const scenario = result.scenario.name;
    const groups = new Map<string, ProbeResult[]>();
    for (const probe of result.probes?.results ?? []) {
      const key = suiteLabel(probe);
      groups.set(key, [...(groups.get(key) ?? []), probe]);
    }
    for (const [label, probes] of groups) {
      const first = probes[0]!;
      const classname = `edgebench.${scenario}.${first.deployment.replaceAll("/", ".")}${first.via === "bypass" ? ".bypass" : ""}`;
      const cases: Case[] = probes.map((p) => ({
        classname,
        name: p.probe,
        seconds: p.elapsedMs / 1000,
        ...(p.pass
          ? {}
          : {
              failure: {
                message: causeOf(p) ? `cause: ${causeOf(p)} · ${p.explanation}` : p.explanation,
                details: `${p.title} (${p.reference})\n${causeOf(p) ? `cause (${p.cause}): ${causeOf(p)}\n` : ""}observed: ${p.observed.map(answerWithSource).join(", ") || (p.timedOut ? "no answer" : "closed without an answer")}\n${p.explanation}`,
              },
            }),
      }));
      for (const skipped of result.probes?.skipped ?? [])
        cases.push({ classname, name: skipped, seconds: 0, skipped: "not applicable to this policy" });
      tests += cases.length;
      failures += cases.filter((c) => c.failure).length;
      suites.push(suite(`${scenario} · probes · ${label}`, cases));
    }
    if (result.thresholds.length > 0) {
      const cases: Case[] = result.thresholds.map((t) => ({
        classname: `edgebench.${scenario}.thresholds`,
        name: t.expression,
        seconds: 0,
        ...(t.passed
          ? {}
          : {
              failure: {
                message: `${t.expression}: ${t.actual === null ? "not measured" : `measured ${measuredText(t)}`}`,
                details: t.expression,
              },
            }),
      }));
      tests += cases.length;
      failures += cases.filter((c) => c.failure).length;
      suites.push(suite(`${scenario} · thresholds`, cases));
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="edgebench" tests="${tests}" failures="${failures}" errors="0">\n${suites.join("\n")}\n</testsuites>\n`;
}
