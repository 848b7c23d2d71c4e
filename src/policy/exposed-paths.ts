/**
 * `proxy.exposedPaths` entries, in Caddy's path-matcher syntax: `/api/*` is a prefix (it matches /api, /api/ and
 * everything under it, on a segment boundary), any other entry is one exact path (`/` is the home page only).
 */

export interface ExposedPaths {
  /** Exact paths. */
  exact: string[];
  /** Prefixes without the trailing `/*` (`/api`). */
  prefixes: string[];
  /** `/*` was given: every path is published. */
  all: boolean;
}

export function splitExposedPaths(entries: readonly string[]): ExposedPaths {
  const exact: string[] = [];
  const prefixes: string[] = [];
  let all = false;
  for (const entry of entries) {
    if (entry === "/*") all = true;
    else if (entry.endsWith("/*")) prefixes.push(entry.slice(0, -2));
    else exact.push(entry);
  }
  return { exact, prefixes, all };
}

/** Whether a path is published, compared case-insensitively (as ASP.NET Core routing compares). */
export function isPublished(path: string, exposed: ExposedPaths): boolean {
  if (exposed.all) return true;
  const lower = path.toLowerCase();
  return (
    exposed.exact.some((entry) => entry.toLowerCase() === lower) ||
    exposed.prefixes.some((prefix) => lower === prefix.toLowerCase() || lower.startsWith(`${prefix.toLowerCase()}/`))
  );
}
