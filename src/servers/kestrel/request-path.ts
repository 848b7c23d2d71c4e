/**
 * What Kestrel makes of a request path before the app sees it, and which endpoint ASP.NET Core routing picks for it.
 * Kestrel percent-decodes the path except `%2F` (which stays encoded, so it never becomes a separator), refuses a
 * decoded NUL with 400, and then removes dot segments (RFC 3986 §5.2.4): decoding comes first, so `%2e%2e` is a dot
 * segment too. Routing splits the path on `/` (an empty segment counts, so `//admin` is two segments; a trailing
 * slash does not) and compares literal segments case-insensitively.
 */
import { HttpRequestError } from "../../http1/errors.js";

const PERCENT = 0x25;
const SLASH = 0x2f;
const DOT = 0x2e;

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/** Percent-decoding as Kestrel's UrlDecoder: %2F kept, %00 refused; `asciiOnly` keeps escapes of bytes over 0x7F. */
function decodePercent(bytes: Buffer, asciiOnly: boolean): Buffer {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const high = byte === PERCENT ? hexValue(bytes[i + 1]) : -1;
    const low = high >= 0 ? hexValue(bytes[i + 2]) : -1;
    const value = low >= 0 ? high * 16 + low : -1;
    if (value === 0) throw new HttpRequestError(400, "The path contains null characters.");
    if (value < 0 || value === SLASH || (asciiOnly && value > 0x7f)) {
      out.push(byte);
      continue;
    }
    out.push(value);
    i += 2;
  }
  return Buffer.from(out);
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** RFC 3986 §5.2.4 on a path that starts with `/`, segment by segment as Kestrel's PathNormalizer does it. */
export function removeDotSegments(path: string): string {
  if (!path.startsWith("/")) return path;
  const output: string[] = [];
  const segments = path.slice(1).split("/");
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === ".") {
      if (last) output.push("");
    } else if (segment === "..") {
      output.pop();
      if (last) output.push("");
    } else output.push(segment);
  });
  return `/${output.join("/")}`;
}

/** The path the app sees (HttpRequest.Path) for the path part of a request-target; a decoded NUL is a 400. */
export function kestrelRequestPath(rawPath: string): string {
  if (!rawPath.startsWith("/")) return rawPath;
  const bytes = Buffer.from(rawPath, "latin1");
  if (!bytes.includes(PERCENT) && !rawPath.includes("/.")) return rawPath;
  let decoded = decodePercent(bytes, false);
  // Kestrel leaves escapes that do not form valid UTF-8 as they are; decoding only ASCII keeps them.
  if (!isUtf8(decoded)) decoded = decodePercent(bytes, true);
  return decoded.includes(DOT) ? removeDotSegments(decoded.toString("utf8")) : decoded.toString("utf8");
}

/** Routing's segments: split on `/` after the leading one; a trailing slash adds none, an inner empty one counts. */
function routeSegments(path: string): string[] {
  const segments = path.slice(1).split("/");
  if (segments[segments.length - 1] === "") segments.pop();
  return segments;
}

/** The endpoint routing picks among literal route templates (internal paths), or null for the app's catch-all. */
export function routeEndpoint(path: string, endpoints: readonly string[]): string | null {
  const segments = routeSegments(path).map((segment) => segment.toLowerCase());
  for (const endpoint of endpoints) {
    const wanted = routeSegments(endpoint);
    const same = wanted.length === segments.length && wanted.every((part, i) => part.toLowerCase() === segments[i]);
    if (same) return endpoint;
  }
  return null;
}
