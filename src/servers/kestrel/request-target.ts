/**
 * Kestrel request-target rules (docs/kestrel-rules.md §2.1): origin-form, asterisk-form (OPTIONS only, else 405 before
 * header is read), absolute-form (only `http://` and `https://`, parsed as an absolute URI), authority-form (CONNECT
 * only, else 405).
 */
import { HttpRequestError } from "../../http1/errors.js";
import type { RequestLine } from "../../http1/parser.js";

export type TargetForm = "origin" | "asterisk" | "absolute" | "authority";

export interface ClassifiedTarget {
  form: TargetForm;
  /** Absolute-form only: System.Uri's Authority (no userinfo, host lower-cased, default port left out). */
  authority?: string;
  /** Absolute-form only: whether the target's port is the scheme's default (written or not). */
  defaultPort?: number | null;
  /** Path and query the app sees. */
  path: string;
  query: string;
}

const AUTHORITY_CHARS = /^[A-Za-z0-9:.\-[\]@]+$/;

function splitPathAndQuery(target: string): { path: string; query: string } {
  const question = target.indexOf("?");
  return question < 0 ? { path: target, query: "" } : { path: target.slice(0, question), query: target.slice(question) };
}

function invalidTarget(): HttpRequestError {
  return new HttpRequestError(400, "Invalid request target.");
}

export function classifyTarget(line: RequestLine): ClassifiedTarget {
  const { target, method } = line;
  if (target.startsWith("/")) {
    if (/[^\x00-\x7f]/.test(target) && !isUtf8(target)) throw invalidTarget();
    return { form: "origin", ...splitPathAndQuery(target) };
  }
  if (target === "*") {
    if (method !== "OPTIONS") throw new HttpRequestError(405, "OPTIONS method required for asterisk-form.", "OPTIONS");
    return { form: "asterisk", path: "", query: "" };
  }
  if (target.startsWith("http://") || target.startsWith("https://")) {
    if (/[^\x00-\x7f]/.test(target)) throw invalidTarget();
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw invalidTarget();
    }
    if (url.hostname === "") throw invalidTarget();
    const defaultPort = url.protocol === "https:" ? 443 : 80;
    return {
      form: "absolute",
      authority: url.host,
      defaultPort: url.port === "" ? defaultPort : null,
      path: url.pathname,
      query: url.search,
    };
  }
  if (!AUTHORITY_CHARS.test(target)) throw invalidTarget();
  if (method !== "CONNECT") throw new HttpRequestError(405, "CONNECT method required for authority-form.", "CONNECT");
  return { form: "authority", path: "", query: "" };
}

/** The target was decoded as latin1; origin-form bytes above 0x7F must be valid UTF-8, as Kestrel decodes them. */
function isUtf8(latin1: string): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(latin1, "latin1"));
    return true;
  } catch {
    return false;
  }
}
