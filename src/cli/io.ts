/**
 * Everything the CLI takes from its process, in one object: the streams, the environment, signals and exit. The
 * binary passes processIo(); tests pass their own and run the CLI in-process.
 */
import { tmpdir } from "node:os";

export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export type StopSignal = "SIGINT" | "SIGTERM";

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Calls `listener` on SIGINT and SIGTERM until the returned function is called. */
  onStopSignal(listener: (signal: StopSignal) => void): () => void;
  /** Ends the process at once (a second Ctrl-C). */
  exit(code: number): never;
  /** Where a bug's stack trace is written. */
  readonly tmpdir: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onStopSignal(listener) {
      process.on("SIGINT", listener);
      process.on("SIGTERM", listener);
      return () => {
        process.off("SIGINT", listener);
        process.off("SIGTERM", listener);
      };
    },
    exit: (code) => process.exit(code),
    tmpdir: tmpdir(),
  };
}
