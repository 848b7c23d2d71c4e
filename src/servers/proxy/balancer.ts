/** Choosing an app instance for each request: round robin, or the one with the fewest requests in flight. */

export const BALANCING_STRATEGIES = ["round-robin", "least-pending"] as const;
export type BalancingStrategy = (typeof BALANCING_STRATEGIES)[number];

export interface Balanced {
  pending: number;
}

export function createBalancer<T extends Balanced>(instances: readonly T[], strategy: BalancingStrategy): () => T {
  if (instances.length === 0) throw new Error("a balancer needs at least one instance");
  if (instances.length === 1) return () => instances[0]!;
  let next = 0;
  if (strategy === "round-robin") {
    return () => {
      const chosen = instances[next]!;
      next = (next + 1) % instances.length;
      return chosen;
    };
  }
  // Least pending; ties go round robin, so an idle farm is still spread evenly.
  return () => {
    let best = -1;
    for (let step = 0; step < instances.length; step++) {
      const index = (next + step) % instances.length;
      if (best < 0 || instances[index]!.pending < instances[best]!.pending) best = index;
    }
    next = (best + 1) % instances.length;
    return instances[best]!;
  };
}
