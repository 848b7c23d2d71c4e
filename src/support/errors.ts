/**
 * The exit-code contract and the one base of every error edgebench raises on purpose. An error that is not an
 * EdgebenchError (nor an operating-system error such as ENOENT) reaching the CLI is a bug in edgebench: it exits
 * EXIT.bug, not EXIT.usage, so a user is never told their input was wrong when the program was.
 */
export const EXIT = {
  /** Every probe and threshold passed. */
  passed: 0,
  /** A probe or threshold failed. */
  failed: 1,
  /** Bad usage, an invalid scenario, or a part that could not start (nginx missing, a port in use). */
  usage: 2,
  /** A bug in edgebench (EX_SOFTWARE of sysexits.h): the stack is written to a file the message names. */
  bug: 70,
  /** Stopped by Ctrl-C or SIGTERM (what was measured is still reported). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error with a stable code (`ERR_…`, for programs and tests) and the exit code it means for the CLI. */
export class EdgebenchError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  constructor(code: string, message: string, exitCode: ExitCode = EXIT.usage) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** An error raised by the operating system or Node's I/O (ENOENT, EACCES, EADDRINUSE…): the user's environment. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
}
