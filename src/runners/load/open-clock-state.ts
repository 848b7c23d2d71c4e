/** What the open-model sending thread and its clock thread (./open-clock.ts) share. */

export const CLOCK_WAITING = 0;
export const CLOCK_RUNNING = 1;
export const CLOCK_STOPPED = 2;

export interface ClockSettings {
  /** Int32 state (CLOCK_*) at byte 0, then the schedule's start as a Float64 epoch time in ms at byte 8. */
  shared: SharedArrayBuffer;
  intervalMs: number;
  total: number;
  /** How far ahead of each planned send the sending thread is woken. */
  leadMs: number;
}
