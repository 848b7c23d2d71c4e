/**
 * ASP.NET Core's HostString: splitting host and port (GetParts), the allowed-host matcher (MatchesAny), and the
 * IDN conversions of ToUriComponent / FromUriComponent (docs/kestrel-rules.md §3.3, §3.6).
 */
import { domainToASCII, domainToUnicode } from "node:url";

/** Thrown, like .NET's FormatException, when the port part of a matched host is not all digits. */
export class HostFormatError extends Error {
  readonly code = "ERR_HOST_PORT_FORMAT";
  constructor(host: string) {
    super(`The host '${host}' has an invalid port: only digits are allowed after ':'.`);
    this.name = "HostFormatError";
  }
}

export interface HostParts {
  host: string;
  port: string | null;
}

/** HostString.GetParts: `]` ends a bracketed IPv6 host; two or more `:` mean unbracketed IPv6 (wrapped, no port). */
export function splitHostAndPort(value: string): HostParts {
  if (value.length === 0) return { host: "", port: null };
  const bracket = value.indexOf("]");
  if (bracket >= 0) {
    const hasPort = bracket + 2 < value.length && value[bracket + 1] === ":";
    return { host: value.slice(0, bracket + 1), port: hasPort ? value.slice(bracket + 2) : null };
  }
  const colon = value.indexOf(":");
  if (colon >= 0 && colon < value.length - 1 && value.indexOf(":", colon + 1) >= 0) {
    return { host: `[${value}]`, port: null };
  }
  if (colon >= 0) return { host: value.slice(0, colon), port: value.slice(colon + 1) };
  return { host: value, port: null };
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toLowerCase() === b.toLowerCase());
}

/**
 * HostString.MatchesAny. The port of `host` is ignored (and must be digits), patterns are used as given (no
 * punycode), `*` matches all, `*.x` matches any host ending in `.x` with at least one more character before it
 * (so not the apex, and, since the 2026 hardening of aspnetcore PR #67265, not an empty label such as `..x`).
 */
export function hostMatchesAny(host: string, allowedHosts: readonly string[]): boolean {
  if (typeof host !== "string") throw new TypeError("host must be a string");
  const parts = splitHostAndPort(host);
  if (parts.port !== null) {
    for (let i = 0; i < parts.port.length; i++) {
      const code = parts.port.charCodeAt(i);
      if (code < 48 || code > 57) throw new HostFormatError(host);
    }
  }
  const hostName = parts.host;
  for (const pattern of allowedHosts) {
    if (pattern === "*") return true;
    if (equalsIgnoreCase(pattern, hostName)) return true;
    if (pattern.startsWith("*.") && hostName.length >= pattern.length) {
      const suffix = pattern.slice(1);
      const start = hostName.length - suffix.length;
      if (equalsIgnoreCase(hostName.slice(start), suffix) && hostName[start - 1] !== ".") return true;
    }
  }
  return false;
}

function isSafeHostChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 46 || // .
    code === 58 || // :
    code === 91 || // [
    code === 93 || // ]
    code === 37 || // %
    code === 45 // -
  );
}

const LABEL_SEPARATORS = /[.\u3002\uff0e\uff61]/;

/** IdnMapping.GetAscii on a host name, label by label (UTS 46 maps the ideographic full stops to `.`). */
function idnToAscii(hostName: string): string {
  return hostName
    .split(LABEL_SEPARATORS)
    .map((label) => {
      if (/^[\x00-\x7f]*$/.test(label)) return label.toLowerCase();
      const ascii = domainToASCII(label);
      return ascii === "" ? label : ascii;
    })
    .join(".");
}

/** HostString.ToUriComponent: unchanged when every character is safe, otherwise the host part is punycoded. */
export function hostToUriComponent(value: string): string {
  let i = 0;
  while (i < value.length && isSafeHostChar(value.charCodeAt(i))) i++;
  if (i === value.length) return value;
  const parts = splitHostAndPort(value);
  const encoded = idnToAscii(parts.host);
  return parts.port ? `${encoded}:${parts.port}` : encoded;
}

/** HostString.FromUriComponent: punycode labels are decoded to Unicode (IPv6 literals are left alone). */
export function hostFromUriComponent(value: string): string {
  if (value.length === 0 || value.includes("[")) return value;
  const colon = value.indexOf(":");
  if (colon >= 0 && colon < value.length - 1 && value.indexOf(":", colon + 1) >= 0) return value;
  if (!value.includes("xn--")) return value;
  const hostName = colon >= 0 ? value.slice(0, colon) : value;
  const port = colon >= 0 ? value.slice(colon) : "";
  const unicode = domainToUnicode(hostName);
  return (unicode === "" ? hostName : unicode) + port;
}
