/**
 * Keeps a load run inside the process's file-descriptor limit: every connection costs a socket in the load
 * generator and, in this process's server threads, one in the app (and two in the proxy). Past the limit the run
 * would die of EMFILE; it is capped instead, with a warning.
 */
import { readFileSync } from "node:fs";

/** Descriptors a run needs besides its connections (stdio, workers, the runtime). */
const RESERVED = 64;

/** The soft RLIMIT_NOFILE of this process, or null where it cannot be read (not Linux). */
export function openFileLimit(): number | null {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return match && match[1] !== "unlimited" ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The connection count that fits, and a warning when it had to be lowered. */
export function capConnections(
  connections: number,
  socketsPerConnection: number,
  limit = openFileLimit(),
): { connections: number; warning: string | null } {
  if (limit === null) return { connections, warning: null };
  const fitting = Math.max(1, Math.floor((limit - RESERVED) / socketsPerConnection));
  if (connections <= fitting) return { connections, warning: null };
  return {
    connections: fitting,
    warning: `load capped at ${fitting} connections instead of ${connections}: the open-file limit is ${limit} and each connection needs ${socketsPerConnection} descriptors here (raise it with ulimit -n)`,
  };
}
