/**
 * A thread that must act on time asks the scheduler to run it first when it wakes. On Linux a thread's nice value
 * is its own: this thread finds its id through /proc/thread-self (proc(5)) and lowers its nice value with
 * setpriority(2). Only a process allowed to (root, CAP_SYS_NICE or RLIMIT_NICE) gets it; otherwise nothing changes,
 * and the thread's measured lateness says what that cost.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/** A nice value of -10: ahead of ordinary work (0), short of what real-time tasks would need. */
const URGENT_NICE = -10;

/** Whether the calling thread now runs at the urgent nice value. */
export function preferThisThread(): boolean {
  if (process.platform !== "linux") return false;
  try {
    const threadId = Number(readlinkSync("/proc/thread-self").split("/").pop());
    setPriority(threadId, URGENT_NICE);
    return true;
  } catch {
    return false;
  }
}
