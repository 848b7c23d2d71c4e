/**
 * The builtin proxy's published paths (`proxy.exposedPaths`). It reads a path the way its app will (Kestrel's
 * decoding and dot-segment removal, routing's case-insensitive comparison) before comparing it with the entries, so
 * a disguise that the app would turn into a hidden path is turned into it here first and refused. A path Kestrel
 * would refuse (a decoded NUL) is not published either.
 */
import { HttpRequestError } from "../../http1/errors.js";
import { isPublished, splitExposedPaths } from "../../policy/exposed-paths.js";
import { kestrelRequestPath } from "../kestrel/request-path.js";

/** Whether a request's path (and query) is one the proxy publishes; null entries publish everything. */
export function createExposedPathFilter(entries: readonly string[] | null): (pathAndQuery: string) => boolean {
  if (!entries) return () => true;
  const exposed = splitExposedPaths(entries);
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
    return isPublished(path, exposed);
  };
}
