/**
 * Linux lets a sleeping thread wake up to its timer slack late (50 µs by default) so that wake-ups can be batched.
 * The open-model sender sleeps until tens of µs before each send, so it asks for the finest slack. A thread takes
 * its slack from the thread that creates it, and only the main thread's can be changed without privileges
 * (/proc/self/timerslack_ns, proc(5), Linux 4.6+): the main thread lowers its own, creates the worker, and puts
 * it back. Where that is not possible the sender still works, a little later, and its measured lateness says so.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

const SLACK_FILE = "/proc/self/timerslack_ns";

/** Runs `create` (which starts threads) with a 1 ns timer slack on this thread, so the threads it starts inherit it. */
export function withFineTimerSlack<T>(create: () => T): T {
  const previous = process.platform === "linux" && isMainThread ? readSlack() : null;
  if (previous === null || !writeSlack("1")) return create();
  try {
    return create();
  } finally {
    writeSlack(previous);
  }
}

function readSlack(): string | null {
  try {
    return readFileSync(SLACK_FILE, "utf8").trim();
  } catch {
    return null;
  }
}

function writeSlack(value: string): boolean {
  try {
    writeFileSync(SLACK_FILE, value);
    return true;
  } catch {
    return false;
  }
}
