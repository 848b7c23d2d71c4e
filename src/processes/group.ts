/** Signals to a whole process group: a child started by edgebench leads its own group (it and its workers). */

/** Sends signal to every process of the group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    // ESRCH: nothing left in the group (EPERM cannot happen for a group this process started).
    return false;
  }
}

/** Whether the process is alive (EPERM: alive, but another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
