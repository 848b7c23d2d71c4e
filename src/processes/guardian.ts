/**
 * A guardian per child: a tiny shell, detached in a process group of its own, reading a pipe whose other end only
 * edgebench holds. Whatever ends edgebench (a crash, `process.exit`, SIGKILL, a CI runner killing its group), the
 * kernel closes that end, the guardian reads end-of-file and ends the child's group: SIGTERM, up to half a second for
 * it to go, then SIGKILL; then it removes the run folder it was given. A normal stop says "released" down the pipe
 * first, and the guardian leaves without touching anything.
 */
import { spawn } from "node:child_process";

// $1: the child's process group; $2: a folder to remove once the group is gone ("" for none). `read` succeeds only
// when edgebench writes a line (a release); end-of-file (edgebench gone) makes it fail.
const GUARDIAN_SCRIPT = `read -r _ && exit 0
kill -TERM -"$1" 2>/dev/null
i=0
while kill -0 -"$1" 2>/dev/null && [ "$i" -lt 5 ]; do sleep 0.1; i=$((i+1)); done
kill -KILL -"$1" 2>/dev/null
[ -n "$2" ] && rm -rf -- "$2"
exit 0`;

export interface Guardian {
  pid: number;
  /** The child was stopped by edgebench: the guardian leaves without signalling anything. */
  release(): void;
}

/** Starts the guardian of process group `pgid`; `folder`, when given, is removed if edgebench dies first. */
export function startGuardian(pgid: number, folder: string | null): Guardian {
  const guardian = spawn("/bin/sh", ["-c", GUARDIAN_SCRIPT, "edgebench-guardian", String(pgid), folder ?? ""], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  // Neither the guardian nor its pipe may keep edgebench alive; the pipe's end is simply closed when edgebench ends.
  guardian.unref();
  guardian.on("error", () => {
    // No /bin/sh: the exit hook and stop() still end the group; only SIGKILL of edgebench is left unguarded.
  });
  const pipe = guardian.stdin!;
  (pipe as unknown as { unref?: () => void }).unref?.();
  pipe.on("error", () => {
    // A guardian that is already gone has nothing left to guard.
  });
  return {
    pid: guardian.pid!,
    release: () => {
      if (!pipe.destroyed) pipe.end("released\n");
    },
  };
}
