/** The exit-code contract. */
export const EXIT = {
  /** Every probe and threshold passed. */
  passed: 0,
  /** A probe or threshold failed. */
  failed: 1,
  /** Bad usage or an invalid scenario. */
  usage: 2,
  /** Stopped by Ctrl-C or SIGTERM (what was measured is still reported). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
