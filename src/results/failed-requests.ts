/** What "failed" means for load everywhere it is shown or judged: answered non-2xx, errored, or timed out. */
export interface RequestOutcomeCounts {
  non2xx: number;
  errors: number;
  timeouts: number;
}

export function failedRequests(counts: RequestOutcomeCounts): number {
  return counts.non2xx + counts.errors + counts.timeouts;
}
