/**
 * The work an app does per request, so a proxy's cost is measured in front of an app that behaves like a real one:
 * a service time (fixed, uniform or log-normal), an answer of a given size, and answers streamed in chunks.
 */

import type { AppWork, ServiceTime } from "../scenario/types.js";

export type { AppWork, ServiceTime };

// The default lives with the scenario field it is the default of.
export { NO_WORK } from "../scenario/own-app-fields.js";

/** Whether the app does anything beyond answering at once with its JSON. */
export function hasWork(work: AppWork): boolean {
  return work.serviceTime !== null || work.answerBytes !== null || work.chunks > 1;
}

/** The 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;

/** A sampler of service times; `random` returns uniform numbers in [0, 1). */
export function serviceTimeSampler(time: ServiceTime, random: () => number = Math.random): () => number {
  switch (time.distribution) {
    case "fixed":
      return () => time.ms;
    case "uniform":
      return () => time.minMs + random() * (time.maxMs - time.minMs);
    case "lognormal": {
      // ln(X) is normal: its median is ln(median), and ln(p99) lies Z99 standard deviations above it.
      const mu = Math.log(time.medianMs);
      const sigma = (Math.log(time.p99Ms) - mu) / Z99;
      return () => Math.exp(mu + sigma * standardNormal(random));
    }
  }
}

/** Box–Muller: one standard normal variate from two uniform ones. */
function standardNormal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * The JSON answer grown to `size` bytes with a `padding` field, so it stays the JSON of what the app believed.
 * An answer already at or above `size` is kept as it is. The answer is ASCII-safe JSON only if its text is: the
 * padding is counted in bytes of UTF-8.
 */
export function padAnswer(json: string, size: number): string {
  const framing = ',"padding":""';
  const missing = size - Buffer.byteLength(json) - framing.length;
  if (missing < 0 || !json.endsWith("}")) return json;
  return `${json.slice(0, -1)},"padding":"${paddingOf(missing)}"}`;
}

let padding = "";
/** Spaces are cheap to repeat, and one string grown once serves every later size by slicing. */
function paddingOf(length: number): string {
  if (padding.length < length) padding = " ".repeat(Math.max(length, padding.length * 2));
  return padding.slice(0, length);
}

/**
 * Runs `then` once `ms` have passed on the high-resolution clock, never earlier. Node's timers count from the event
 * loop's cached time and can fire up to a millisecond early; what is left then is waited in smaller steps, the last
 * sub-millisecond part by yielding to the loop (other requests are served meanwhile).
 */
export function afterMs(ms: number, then: () => void): void {
  const deadline = performance.now() + ms;
  const check = (): void => {
    const left = deadline - performance.now();
    if (left <= 0) then();
    else if (left >= 1) setTimeout(check, Math.floor(left));
    else setImmediate(check);
  };
  check();
}

/** `body` cut into `chunks` pieces of nearly equal size (fewer when the body is shorter). */
export function splitChunks(body: Buffer, chunks: number): Buffer[] {
  const count = Math.max(1, Math.min(chunks, body.length));
  const size = Math.ceil(body.length / count);
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) pieces.push(body.subarray(offset, offset + size));
  return pieces.length > 0 ? pieces : [body];
}
