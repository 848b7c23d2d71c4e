/**
 * Kestrel's Host checks after the header block (docs/kestrel-rules.md §2.2, EnsureHostHeaderExists): none on HTTP/1.1,
 * several lines, the authority-form and absolute-form agreement rules, AllowHostHeaderOverride, then syntax.
 */
import { HttpRequestError } from "../../http1/errors.js";
import { headerValues, type RequestHead } from "../../http1/parser.js";
import { isHostHeaderValid } from "../../policy/host-syntax.js";
import type { ClassifiedTarget } from "./request-target.js";

export interface HostCheckResult {
  /** The Host the rest of the pipeline sees ("" when absent), after any override. */
  host: string;
  present: boolean;
  /** Set when AllowHostHeaderOverride replaced a mismatching Host with the target's authority. */
  overridden: boolean;
}

function invalidHost(value: string): HttpRequestError {
  return new HttpRequestError(400, `Invalid Host header: '${value}'`);
}

export function checkHost(head: RequestHead, target: ClassifiedTarget, allowHostHeaderOverride: boolean): HostCheckResult {
  const hosts = headerValues(head, "host");
  if (hosts.length === 0) {
    if (head.version === "1.0") return { host: "", present: false, overridden: false };
    throw new HttpRequestError(400, "Request is missing Host header.");
  }
  if (hosts.length > 1) throw new HttpRequestError(400, "Multiple Host headers.");
  let host = hosts[0]!;
  let overridden = false;
  if (target.form === "authority") {
    if (host !== head.target) throw invalidHost(host);
  } else if (target.form === "absolute") {
    const authority = target.authority!;
    const withDefaultPort = target.defaultPort != null ? `${authority}:${target.defaultPort}` : null;
    if (host !== authority && host !== withDefaultPort) {
      if (!allowHostHeaderOverride) throw invalidHost(host);
      // RFC 9112 §3.2.2: the origin server MUST ignore the received Host (fixed form of aspnetcore PR #59352).
      host = authority;
      overridden = true;
    }
  }
  if (!isHostHeaderValid(host)) throw invalidHost(host);
  return { host, present: true, overridden };
}

/** Kestrel refuses header values that are not ASCII (it decodes them strictly). */
export function checkHeaderValuesAscii(head: RequestHead): void {
  for (const [name, value] of head.fields) {
    for (let i = 0; i < value.length; i++) {
      if (value.charCodeAt(i) > 0x7f) throw new HttpRequestError(400, `Malformed request: invalid header value in '${name}'.`);
    }
  }
}
