/** Problems found in a scenario file, each with its place, collected rather than thrown one at a time. */

export interface ScenarioIssue {
  file: string;
  line: number;
  column: number;
  /** The field path, such as `apps[0].allowEmptyHosts` (empty for the document itself). */
  path: string;
  message: string;
}

export function formatIssue(issue: ScenarioIssue): string {
  const field = issue.path ? `${issue.path}: ` : "";
  return `${issue.file}:${issue.line}:${issue.column}: ${field}${issue.message}`;
}

/** A scenario that cannot be used; `issues` lists every problem found. */
export class ScenarioError extends Error {
  readonly code = "ERR_SCENARIO";
  readonly issues: ScenarioIssue[];
  constructor(issues: ScenarioIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ScenarioError";
    this.issues = issues;
  }
}
