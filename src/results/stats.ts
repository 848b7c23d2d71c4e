/** Small, exact statistics on per-round samples: median, and a seeded bootstrap interval of a median. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** mulberry32: a tiny deterministic generator, so the same samples always give the same interval. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Percentile bootstrap interval of the median (resampling with replacement). */
export function bootstrapMedianInterval(
  values: readonly number[],
  confidence = 0.95,
  resamples = 2000,
  seed = 1,
): [number, number] {
  if (values.length === 0) return [NaN, NaN];
  if (values.length === 1) return [values[0]!, values[0]!];
  const random = seededRandom(seed);
  const medians: number[] = [];
  const sample = new Array<number>(values.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < values.length; i++) sample[i] = values[Math.floor(random() * values.length)]!;
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return [medians[Math.floor(tail * (resamples - 1))]!, medians[Math.ceil((1 - tail) * (resamples - 1))]!];
}

/** A shuffled copy (Fisher–Yates) drawn from `random`: the order topologies run in within a round. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
