/** Problems found in a scenario file, each with its place, collected rather than thrown one at a time. */

export interface ScenarioIssue {
  file: string;
  line: number;
  column: number;
  /** The field path, such as `apps[0].allowEmptyHosts` (empty for the document itself). */
  path: string;
  message: string;
}

/** `file:line:column: field: message`; problems of the whole file name `(document)` as their field. */
export function formatIssue(issue: ScenarioIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.path || "(document)"}: ${issue.message}`;
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
