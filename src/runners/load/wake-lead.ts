/**
 * How early the open-model sender wakes before each planned send. A sleeping thread wakes some tens of µs after it
 * asked to (the kernel's timer slack, then the scheduler), by an amount that depends on the machine and its load.
 * The sender wakes `lead` ms ahead and waits the rest on the clock; `lead` follows the 99th percentile of how late
 * recent wake-ups were, so about one wake-up in a hundred is late and the busy wait stays short.
 */

/** Never wake less than this ahead: the clock read and the write themselves take a few µs. */
export const MIN_LEAD_MS = 0.01;
/** Never busy-wait longer than this per request, whatever the machine does: past it, lateness is the honest figure. */
export const MAX_LEAD_MS = 0.5;
/**
 * Nor longer than this share of the interval between sends. A thread that is always running is the one the
 * scheduler makes wait its turn (for milliseconds on a busy machine), while one that mostly sleeps is run as soon
 * as it wakes: at high rates, a few µs late now and then costs less than being preempted.
 */
export const MAX_SPIN_SHARE = 0.25;
/** The percentile followed: a share (1 - QUANTILE) of wake-ups may be late, the rest spin a little. */
const QUANTILE = 0.99;
/** How far one wake-up moves the estimate, ms (up by STEP × QUANTILE, down by STEP × (1 - QUANTILE)). */
const STEP_MS = 0.002;

export class WakeLead {
  /** Starts where an unloaded Linux thread with the default 50 µs timer slack lands. */
  private estimateMs = 0.08;

  constructor(private readonly intervalMs: number) {}

  get leadMs(): number {
    const longest = Math.min(MAX_LEAD_MS, this.intervalMs * MAX_SPIN_SHARE);
    return Math.min(longest, Math.max(MIN_LEAD_MS, this.estimateMs));
  }

  /** Records how late a wake-up was (ms after the time asked for). */
  observe(oversleptMs: number): void {
    this.estimateMs += oversleptMs > this.estimateMs ? STEP_MS * QUANTILE : -STEP_MS * (1 - QUANTILE);
    if (this.estimateMs < MIN_LEAD_MS) this.estimateMs = MIN_LEAD_MS;
    else if (this.estimateMs > MAX_LEAD_MS) this.estimateMs = MAX_LEAD_MS;
  }
}
