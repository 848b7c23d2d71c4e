/**
 * What a process started, read from Linux /proc: its descendants (followed by parent PID, remembered with their start
 * time so a reused PID is not mistaken for them), their process groups and the ports they listen on. Only processes a
 * test itself started are looked at: colleagues run the same engines on the same machine.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** R, S, D, Z (zombie: ended, holds nothing but its exit status), … */
  state: string;
  /** Clock ticks since boot: with pid, one process. */
  start: number;
  comm: string;
  cwd: string | null;
}

export const HAS_PROC = process.platform === "linux";

export function readProcess(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    let cwd: string | null = null;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // Gone, or a zombie.
    }
    return {
      pid,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      state: fields[0]!,
      start: Number(fields[19]),
      comm,
      cwd,
    };
  } catch {
    return null;
  }
}

export function processTable(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((info): info is ProcessInfo => info !== null);
}

/** Every living descendant of pid. */
export function descendantsOf(pid: number): ProcessInfo[] {
  const table = processTable();
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const info of table) {
      if (!parents.has(info.pid) && parents.has(info.ppid)) {
        parents.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

/** Whether the very process (same PID and start time) still runs; a zombie does not. */
export function stillRuns(info: ProcessInfo): boolean {
  const now = readProcess(info.pid);
  return now !== null && now.start === info.start && now.state !== "Z";
}

/** Living (not zombie) members of a process group. */
export function groupMembers(pgid: number): ProcessInfo[] {
  return processTable().filter((info) => info.pgid === pgid && info.state !== "Z");
}

/** TCP ports the process listens on (its socket inodes matched in /proc/net/tcp and tcp6). */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode) inodes.add(inode);
      } catch {
        // Closed in between.
      }
    }
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // fields: sl local remote st … inode (index 9); st 0A is LISTEN.
      if (fields[3] === "0A" && inodes.has(fields[9]!)) ports.push(parseInt(fields[1]!.split(":")[1]!, 16));
    }
  }
  return ports;
}
