/**
 * The builtin proxy's published paths (`proxy.exposedPaths`). It reads a path the way its app will (Kestrel's
 * decoding and dot-segment removal, routing's case-insensitive segments) before comparing it with the prefixes, so a
 * disguise that the app would turn into a hidden path is turned into it here first and refused. A path Kestrel would
 * refuse (a decoded NUL) is not published either.
 */
import { HttpRequestError } from "../../http1/errors.js";
import { kestrelRequestPath } from "../kestrel/request-path.js";

/** A prefix matches itself and what follows it after a `/` (`/api` matches /api and /api/x, not /apiary). */
export function pathHasPrefix(path: string, prefix: string): boolean {
  const base = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  const lower = path.toLowerCase();
  const wanted = base.toLowerCase();
  return base === "" || lower === wanted || lower.startsWith(`${wanted}/`);
}

/** Whether a request's path (and query) is one the proxy publishes; null prefixes publish everything. */
export function createExposedPathFilter(prefixes: readonly string[] | null): (pathAndQuery: string) => boolean {
  if (!prefixes) return () => true;
  return (pathAndQuery) => {
    const question = pathAndQuery.indexOf("?");
    const raw = question < 0 ? pathAndQuery : pathAndQuery.slice(0, question);
    let path: string;
    try {
      path = kestrelRequestPath(raw);
    } catch (error) {
      if (error instanceof HttpRequestError) return false;
      throw error;
    }
    return prefixes.some((prefix) => pathHasPrefix(path, prefix));
  };
}
