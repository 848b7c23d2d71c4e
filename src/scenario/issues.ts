/** Problems found in a scenario file, each with its place, collected rather than thrown one at a time. */
import { EdgebenchError } from "../support/errors.js";

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
export class ScenarioError extends EdgebenchError {
  readonly issues: ScenarioIssue[];
  constructor(issues: ScenarioIssue[]) {
    super("ERR_SCENARIO", issues.map(formatIssue).join("\n"));
    this.issues = issues;
  }
}
