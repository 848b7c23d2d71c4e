/**
 * The clocks a server keeps on a request as it arrives, as Kestrel does: a request head must arrive whole within
 * RequestHeadersTimeout however slowly its bytes trickle in (a slowloris client sends one byte at a time, each within
 * any idle timeout), and a body must keep up MinRequestBodyDataRate once its grace period is over.
 */
export interface RequestTimerOptions {
  headersTimeoutMs?: number;
  minBodyDataRate?: { bytesPerSecond: number; graceMs: number };
}

export interface RequestTimers {
  /** A request head has begun (idempotent until headDone). */
  headStarted(): void;
  /** The head is complete; a body follows when hasBody. */
  headDone(hasBody: boolean): void;
  /** Body bytes received so far. */
  bodyReceived(total: number): void;
  bodyDone(): void;
  stop(): void;
}

const RATE_CHECK_MS = 1000;

export function createRequestTimers(
  options: RequestTimerOptions,
  on: { headersTooSlow: () => void; bodyTooSlow: () => void },
): RequestTimers {
  let headTimer: NodeJS.Timeout | null = null;
  let rateTimer: NodeJS.Timeout | null = null;
  let bodyStart = 0;
  let bodyBytes = 0;
  const clearHead = (): void => {
    if (headTimer) clearTimeout(headTimer);
    headTimer = null;
  };
  const clearRate = (): void => {
    if (rateTimer) clearInterval(rateTimer);
    rateTimer = null;
  };
  const checkRate = (): void => {
    const rate = options.minBodyDataRate!;
    const elapsedMs = performance.now() - bodyStart;
    if (elapsedMs > rate.graceMs && bodyBytes / (elapsedMs / 1000) < rate.bytesPerSecond) {
      clearRate();
      on.bodyTooSlow();
    }
  };
  return {
    headStarted() {
      if (headTimer || options.headersTimeoutMs === undefined) return;
      headTimer = setTimeout(() => {
        headTimer = null;
        on.headersTooSlow();
      }, options.headersTimeoutMs);
      headTimer.unref();
    },
    headDone(hasBody) {
      clearHead();
      const rate = options.minBodyDataRate;
      if (!hasBody || !rate || rate.bytesPerSecond <= 0) return;
      bodyStart = performance.now();
      bodyBytes = 0;
      rateTimer = setInterval(checkRate, RATE_CHECK_MS);
      rateTimer.unref();
    },
    bodyReceived(total) {
      bodyBytes = total;
    },
    bodyDone: clearRate,
    stop() {
      clearHead();
      clearRate();
    },
  };
}
