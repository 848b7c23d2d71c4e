/**
 * ForwardedHeadersMiddleware.ApplyForwarders (docs/kestrel-rules.md §4): entries walked leftwards to ForwardLimit, each
 * trusted only while the current address is a known proxy or inside a known network; invalid or untrusted values
 * are ignored silently. Consumed values are removed and the originals saved in X-Original-*.
 */
import { prepareAllowedHosts } from "./allowed-hosts.js";
import { caseInsensitiveHeaders, findHeaderKey, getHeader, setHeader, splitCommaSeparated, type HeaderRecord } from "./header-map.js";
import { isForwardedHostValid } from "./host-syntax.js";
import { hostFromUriComponent, hostMatchesAny } from "./host-string.js";
import {
  formatIpAddress,
  formatIpEndPoint,
  ipEquals,
  mappedIpv4,
  networkContains,
  parseIpAddress,
  parseIpEndPoint,
  parseIpNetwork,
  type IpAddress,
  type IpEndPoint,
} from "./ip-address.js";

export const FORWARDED_HEADER_FLAGS = ["XForwardedFor", "XForwardedHost", "XForwardedProto", "XForwardedPrefix"] as const;
export type ForwardedHeaderFlag = (typeof FORWARDED_HEADER_FLAGS)[number];

export interface ForwardedHeadersOptions {
  /** Which X-Forwarded-* are processed; ASP.NET Core's default is none. `All` and `None` are accepted too. */
  forwardedHeaders: ReadonlyArray<ForwardedHeaderFlag | "All" | "None">;
  /** Default 1; null means no limit; 0 processes nothing. */
  forwardLimit?: number | null;
  /** Default ['::1']; a list given replaces the default. */
  knownProxies?: string[];
  /** Default ['127.0.0.0/8']; a list given replaces the default. */
  knownNetworks?: string[];
  /** Restricts X-Forwarded-Host with HostFiltering's matcher; empty allows any valid host. */
  allowedHosts?: string[];
  /** Default false. */
  requireHeaderSymmetry?: boolean;
}

export interface ForwardedRequest {
  remoteIp: string | null;
  remotePort: number;
  scheme: string;
  host: string;
  pathBase: string;
  headers: Record<string, string>;
}

export const FORWARDED_HEADER_DEFAULTS = Object.freeze({
  forwardLimit: 1,
  knownProxies: Object.freeze(["::1"]),
  knownNetworks: Object.freeze(["127.0.0.0/8"]),
});

const HEADER = {
  forwardedFor: "X-Forwarded-For",
  forwardedHost: "X-Forwarded-Host",
  forwardedProto: "X-Forwarded-Proto",
  forwardedPrefix: "X-Forwarded-Prefix",
  originalFor: "X-Original-For",
  originalHost: "X-Original-Host",
  originalProto: "X-Original-Proto",
  originalPrefix: "X-Original-Prefix",
} as const;

export function enabledForwardedHeaders(options: Pick<ForwardedHeadersOptions, "forwardedHeaders">): Set<ForwardedHeaderFlag> {
  const flags = new Set<ForwardedHeaderFlag>();
  for (const flag of options.forwardedHeaders) {
    if (flag === "All") FORWARDED_HEADER_FLAGS.forEach((f) => flags.add(f));
    else if (flag !== "None") flags.add(flag);
  }
  return flags;
}

/** The trust test of one options object: CheckKnownAddress, IPv4-mapped addresses tried as IPv4 first. */
export function createProxyTrust(options: Pick<ForwardedHeadersOptions, "knownProxies" | "knownNetworks">): {
  enabled: boolean;
  isKnown(address: IpAddress): boolean;
} {
  const proxies = (options.knownProxies ?? [...FORWARDED_HEADER_DEFAULTS.knownProxies])
    .map((text) => parseIpAddress(text))
    .filter((address): address is IpAddress => address !== null);
  const networks = (options.knownNetworks ?? [...FORWARDED_HEADER_DEFAULTS.knownNetworks])
    .map((text) => parseIpNetwork(text))
    .filter((network) => network !== null);
  const isKnown = (address: IpAddress): boolean => {
    const v4 = mappedIpv4(address);
    if (v4 && isKnown(v4)) return true;
    return proxies.some((proxy) => ipEquals(proxy, address)) || networks.some((network) => networkContains(network, address));
  };
  return { enabled: proxies.length > 0 || networks.length > 0, isKnown };
}

function isValidScheme(scheme: string): boolean {
  return /^[A-Za-z0-9+\-.]+$/.test(scheme);
}

/** PathString.FromUriComponent: percent-escapes decoded, except an encoded `/`. */
function decodePathBase(prefix: string): string {
  return prefix.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run.replace(/%2[Ff]/g, "%252F"));
    } catch {
      return run;
    }
  });
}

interface EntrySet {
  forText?: string;
  scheme?: string;
  host?: string;
  prefix?: string;
}

/** Creates a reusable applier; the options are prepared once, as the middleware does. */
export function createForwardedHeadersApplier(
  options: ForwardedHeadersOptions,
  output: { caseInsensitiveView: boolean } = { caseInsensitiveView: true },
): (request: ForwardedRequest) => ForwardedRequest {
  const flags = enabledForwardedHeaders(options);
  const checkFor = flags.has("XForwardedFor");
  const checkProto = flags.has("XForwardedProto");
  const checkHost = flags.has("XForwardedHost");
  const checkPrefix = flags.has("XForwardedPrefix");
  const forwardLimit = options.forwardLimit === undefined ? FORWARDED_HEADER_DEFAULTS.forwardLimit : options.forwardLimit;
  const symmetry = options.requireHeaderSymmetry ?? false;
  const trust = createProxyTrust(options);
  const allowedHosts = prepareAllowedHosts(options.allowedHosts ?? []);
  const allowAllHosts = allowedHosts.allowAny || allowedHosts.hosts.length === 0;
  const view = output.caseInsensitiveView ? caseInsensitiveHeaders : (headers: HeaderRecord): HeaderRecord => headers;
  // The same few peer addresses come back on every request: parse each once.
  const peerCache = new Map<string, IpAddress | null>();
  const parsePeer = (text: string): IpAddress | null => {
    let parsed = peerCache.get(text);
    if (parsed === undefined) {
      parsed = parseIpAddress(text);
      if (peerCache.size > 1024) peerCache.clear();
      peerCache.set(text, parsed);
    }
    return parsed;
  };

  const names: string[] = [];
  if (checkFor) names.push(HEADER.forwardedFor);
  if (checkProto) names.push(HEADER.forwardedProto);
  if (checkHost) names.push(HEADER.forwardedHost);
  if (checkPrefix) names.push(HEADER.forwardedPrefix);

  return (request) => {
    // Most requests carry none of the enabled fields: nothing to walk, nothing to copy.
    if (!names.some((name) => findHeaderKey(request.headers, name) !== undefined)) {
      return output.caseInsensitiveView ? { ...request, headers: caseInsensitiveHeaders({ ...request.headers }) } : request;
    }
    const headers: HeaderRecord = { ...request.headers };
    const result: ForwardedRequest = { ...request, headers };
    const forwardedFor = checkFor ? splitCommaSeparated(getHeader(headers, HEADER.forwardedFor)) : [];
    const forwardedProto = checkProto ? splitCommaSeparated(getHeader(headers, HEADER.forwardedProto)) : [];
    const forwardedHost = checkHost ? splitCommaSeparated(getHeader(headers, HEADER.forwardedHost)) : [];
    const forwardedPrefix = checkPrefix ? splitCommaSeparated(getHeader(headers, HEADER.forwardedPrefix)) : [];
    const unchanged = (): ForwardedRequest => ({ ...result, headers: view(headers) });

    if (symmetry) {
      const counts = [
        checkFor ? forwardedFor.length : -1,
        checkProto ? forwardedProto.length : -1,
        checkHost ? forwardedHost.length : -1,
        checkPrefix ? forwardedPrefix.length : -1,
      ].filter((count) => count >= 0);
      if (counts.some((count) => count !== counts[0])) return unchanged();
    }

    let entryCount = Math.max(forwardedFor.length, forwardedProto.length, forwardedHost.length, forwardedPrefix.length);
    if (forwardLimit !== null && entryCount > forwardLimit) entryCount = forwardLimit;

    const fromRight = (values: string[], i: number): string | undefined => (i < values.length ? values[values.length - i - 1] : undefined);
    const sets: EntrySet[] = [];
    for (let i = 0; i < entryCount; i++) {
      sets.push({
        forText: fromRight(forwardedFor, i),
        scheme: fromRight(forwardedProto, i),
        host: fromRight(forwardedHost, i),
        prefix: fromRight(forwardedPrefix, i),
      });
    }

    const connectionAddress = request.remoteIp === null ? null : parsePeer(request.remoteIp);
    let current: IpEndPoint | null = connectionAddress ? { address: connectionAddress, port: request.remotePort } : null;
    let scheme: string | undefined;
    let host: string | undefined;
    let prefix: string | undefined;
    let applyChanges = false;
    let consumed = 0;

    for (; consumed < sets.length; consumed++) {
      const set = sets[consumed]!;
      if (current !== null && trust.enabled && !trust.isKnown(current.address)) break;
      if (checkFor) {
        const parsed = set.forText === undefined ? null : parseIpEndPoint(set.forText);
        if (parsed) {
          applyChanges = true;
          current = parsed;
        } else if (set.forText !== undefined && set.forText.length > 0) {
          break;
        } else if (symmetry) {
          return unchanged();
        }
      }
      if (checkProto) {
        if (set.scheme !== undefined && set.scheme.length > 0 && isValidScheme(set.scheme)) {
          applyChanges = true;
          scheme = set.scheme;
        } else if (symmetry) {
          return unchanged();
        }
      }
      if (checkHost) {
        if (set.host !== undefined && isForwardedHostValid(set.host) && (allowAllHosts || hostMatchesAny(set.host, allowedHosts.hosts))) {
          applyChanges = true;
          host = set.host;
        } else if (symmetry) {
          return unchanged();
        }
      }
      if (checkPrefix) {
        if (set.prefix !== undefined && set.prefix.startsWith("/")) {
          applyChanges = true;
          prefix = set.prefix;
        } else if (symmetry) {
          return unchanged();
        }
      }
    }

    if (!applyChanges) return unchanged();
    const truncate = (name: string, values: string[]): void => {
      // The values left form a multi-valued field, listed as repeated fields are (", "-joined).
      setHeader(headers, name, values.length > consumed ? values.slice(0, values.length - consumed).join(", ") : undefined);
    };
    if (checkFor && current !== null) {
      if (connectionAddress) setHeader(headers, HEADER.originalFor, formatIpEndPoint({ address: connectionAddress, port: request.remotePort }));
      truncate(HEADER.forwardedFor, forwardedFor);
      result.remoteIp = formatIpAddress(current.address);
      result.remotePort = current.port;
    }
    if (checkProto && scheme !== undefined) {
      setHeader(headers, HEADER.originalProto, request.scheme);
      truncate(HEADER.forwardedProto, forwardedProto);
      result.scheme = scheme;
    }
    if (checkHost && host !== undefined) {
      setHeader(headers, HEADER.originalHost, request.host);
      truncate(HEADER.forwardedHost, forwardedHost);
      result.host = hostFromUriComponent(host);
      // Setting HttpRequest.Host rewrites the Host field the app reads too.
      setHeader(headers, "Host", host);
    }
    if (checkPrefix && prefix !== undefined) {
      if (request.pathBase.length > 0) setHeader(headers, HEADER.originalPrefix, request.pathBase);
      truncate(HEADER.forwardedPrefix, forwardedPrefix);
      result.pathBase = decodePathBase(prefix);
    }
    result.headers = view(headers);
    return result;
  };
}

/** One-shot form of {@link createForwardedHeadersApplier}: returns a new request, never throws for bad input. */
export function applyForwardedHeaders(options: ForwardedHeadersOptions, request: ForwardedRequest): ForwardedRequest {
  return createForwardedHeadersApplier(options)(request);
}
