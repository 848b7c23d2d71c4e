/** The conformance printout: a summary, then every difference with its request, both answers and both beliefs. */
import type { ObservedResponse, Observed } from "../conformance/compare.js";
import type { CaseDifference, ConformanceResult } from "../conformance/run-conformance.js";

function answerLine(response: ObservedResponse): string {
  const fields = [
    response.connection && `connection: ${response.connection}`,
    response.contentType,
    response.allow && `allow: ${response.allow}`,
  ].filter(Boolean);
  const body = response.body === null ? "" : ` body ${JSON.stringify(response.body.slice(0, 80))}`;
  return `${response.status}${fields.length ? ` (${fields.join("; ")})` : ""}${body}`;
}

function observedLines(label: string, observed: Observed): string[] {
  const lines = [
    `    ${label} answer: ${observed.responses.map(answerLine).join(" then ") || "none"}` +
      `${observed.incomplete ? " (incomplete)" : ""}${observed.error ? ` [${observed.error}]` : ""}`,
  ];
  observed.responses.forEach((response, i) => {
    if (response.belief)
      lines.push(
        `    ${label} belief${observed.responses.length > 1 ? ` #${i + 1}` : ""}: ${JSON.stringify(response.belief)}`,
      );
  });
  return lines;
}

function differenceLines(difference: CaseDifference): string[] {
  return [
    `  ${difference.id}  (differs in ${difference.fields.join(", ")})`,
    `    request: ${JSON.stringify(difference.request)}`,
    ...observedLines("simulated", difference.simulated),
    ...observedLines("kestrel  ", difference.kestrel),
    ...(difference.known ? [`    known: ${difference.known.reason}`] : []),
  ];
}

export function formatConformance(result: ConformanceResult): string {
  const known = result.differences.filter((difference) => difference.known);
  const unexplained = result.differences.filter((difference) => !difference.known);
  const lines = [
    `edgebench conformance · the simulated app against real Kestrel (ASP.NET Core, .NET SDK ${result.dotnet})`,
    `${result.cases} cases (${result.requests} requests): ${result.identical} identical, ` +
      `${known.length} known differences, ${unexplained.length} unexplained`,
  ];
  if (unexplained.length) lines.push("", "Unexplained differences", ...unexplained.flatMap(differenceLines));
  if (known.length) lines.push("", "Known differences", ...known.flatMap(differenceLines));
  if (result.stale.length)
    lines.push(
      "",
      "Known differences that no longer occur (remove them)",
      ...result.stale.map((entry) => `  ${entry.case}`),
    );
  lines.push(
    "",
    unexplained.length
      ? "FAIL · the simulation and real Kestrel differ where no reason is listed"
      : "PASS · every difference is listed with its reason",
  );
  return `${lines.join("\n")}\n`;
}
