/**
 * ForwardedHeadersMiddleware.ApplyForwarders (docs/kestrel-rules.md §4): entries walked leftwards to ForwardLimit, each
 * trusted only while the current address is a known proxy or inside a known network; invalid or untrusted values
 * are ignored silently. Consumed values are removed and the originals saved in X-Original-*.
 */
import { prepareAllowedHosts } from "./allowed-hosts.js";
import {
  caseInsensitiveHeaders,
  findHeaderKey,
  getHeader,
  setHeader,
  splitCommaSeparated,
  type HeaderRecord,
} from "./header-map.js";
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

export const FORWARDED_HEADER_FLAGS = [
  "XForwardedFor",
  "XForwardedHost",
  "XForwardedProto",
  "XForwardedPrefix",
] as const;
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
  requireHeaderSymmetry: false,
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

export function enabledForwardedHeaders(
  options: Pick<ForwardedHeadersOptions, "forwardedHeaders">,
): Set<ForwardedHeaderFlag> {
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
    return (
      proxies.some((proxy) => ipEquals(proxy, address)) || networks.some((network) => networkContains(network, address))
    );
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
  const applier = new ForwardedHeadersApplier(options, output.caseInsensitiveView);
  return (request) => applier.apply(request);
}

/** The enabled X-Forwarded-* fields of one request, each split into its comma-separated values. */
interface ForwardedValues {
  for: string[];
  proto: string[];
  host: string[];
  prefix: string[];
}

/** What the walk from the right accepted: the values to apply, and how many entries it consumed. */
interface Accepted {
  current: IpEndPoint | null;
  scheme: string | undefined;
  host: string | undefined;
  prefix: string | undefined;
  consumed: number;
}

/** ForwardedHeadersMiddleware's ApplyForwarders, with the options prepared once. */
class ForwardedHeadersApplier {
  private readonly checkFor: boolean;
  private readonly checkProto: boolean;
  private readonly checkHost: boolean;
  private readonly checkPrefix: boolean;
  private readonly forwardLimit: number | null;
  private readonly symmetry: boolean;
  private readonly trust: ReturnType<typeof createProxyTrust>;
  private readonly allowedHosts: ReturnType<typeof prepareAllowedHosts>;
  private readonly allowAllHosts: boolean;
  private readonly names: string[] = [];
  // The same few peer addresses come back on every request: parse each once.
  private readonly peerCache = new Map<string, IpAddress | null>();

  constructor(
    options: ForwardedHeadersOptions,
    private readonly caseInsensitiveView: boolean,
  ) {
    const flags = enabledForwardedHeaders(options);
    this.checkFor = flags.has("XForwardedFor");
    this.checkProto = flags.has("XForwardedProto");
    this.checkHost = flags.has("XForwardedHost");
    this.checkPrefix = flags.has("XForwardedPrefix");
    this.forwardLimit =
      options.forwardLimit === undefined ? FORWARDED_HEADER_DEFAULTS.forwardLimit : options.forwardLimit;
    this.symmetry = options.requireHeaderSymmetry ?? FORWARDED_HEADER_DEFAULTS.requireHeaderSymmetry;
    this.trust = createProxyTrust(options);
    this.allowedHosts = prepareAllowedHosts(options.allowedHosts ?? []);
    this.allowAllHosts = this.allowedHosts.allowAny || this.allowedHosts.hosts.length === 0;
    if (this.checkFor) this.names.push(HEADER.forwardedFor);
    if (this.checkProto) this.names.push(HEADER.forwardedProto);
    if (this.checkHost) this.names.push(HEADER.forwardedHost);
    if (this.checkPrefix) this.names.push(HEADER.forwardedPrefix);
  }

  apply(request: ForwardedRequest): ForwardedRequest {
    // Most requests carry none of the enabled fields: nothing to walk, nothing to copy.
    if (!this.names.some((name) => findHeaderKey(request.headers, name) !== undefined)) {
      return this.caseInsensitiveView
        ? { ...request, headers: caseInsensitiveHeaders({ ...request.headers }) }
        : request;
    }
    const headers: HeaderRecord = { ...request.headers };
    const values = this.readValues(headers);
    const connectionAddress = request.remoteIp === null ? null : this.parsePeer(request.remoteIp);
    const accepted = this.isAsymmetric(values)
      ? null
      : this.walk(this.entrySets(values), connectionAddress, request.remotePort);
    if (!accepted) return { ...request, headers: this.view(headers) };
    return this.applyAccepted(request, headers, values, accepted, connectionAddress);
  }

  private view(headers: HeaderRecord): HeaderRecord {
    return this.caseInsensitiveView ? caseInsensitiveHeaders(headers) : headers;
  }

  private parsePeer(text: string): IpAddress | null {
    let parsed = this.peerCache.get(text);
    if (parsed === undefined) {
      parsed = parseIpAddress(text);
      if (this.peerCache.size > 1024) this.peerCache.clear();
      this.peerCache.set(text, parsed);
    }
    return parsed;
  }

  private readValues(headers: HeaderRecord): ForwardedValues {
    return {
      for: this.checkFor ? splitCommaSeparated(getHeader(headers, HEADER.forwardedFor)) : [],
      proto: this.checkProto ? splitCommaSeparated(getHeader(headers, HEADER.forwardedProto)) : [],
      host: this.checkHost ? splitCommaSeparated(getHeader(headers, HEADER.forwardedHost)) : [],
      prefix: this.checkPrefix ? splitCommaSeparated(getHeader(headers, HEADER.forwardedPrefix)) : [],
    };
  }

  /** RequireHeaderSymmetry: the enabled fields must list as many values each. */
  private isAsymmetric(values: ForwardedValues): boolean {
    if (!this.symmetry) return false;
    const counts = [
      this.checkFor ? values.for.length : -1,
      this.checkProto ? values.proto.length : -1,
      this.checkHost ? values.host.length : -1,
      this.checkPrefix ? values.prefix.length : -1,
    ].filter((count) => count >= 0);
    return counts.some((count) => count !== counts[0]);
  }

  /** The values as entries from the right (the nearest proxy first), at most ForwardLimit of them. */
  private entrySets(values: ForwardedValues): EntrySet[] {
    let entryCount = Math.max(values.for.length, values.proto.length, values.host.length, values.prefix.length);
    if (this.forwardLimit !== null && entryCount > this.forwardLimit) entryCount = this.forwardLimit;
    const fromRight = (list: string[], i: number): string | undefined =>
      i < list.length ? list[list.length - i - 1] : undefined;
    const sets: EntrySet[] = [];
    for (let i = 0; i < entryCount; i++) {
      sets.push({
        forText: fromRight(values.for, i),
        scheme: fromRight(values.proto, i),
        host: fromRight(values.host, i),
        prefix: fromRight(values.prefix, i),
      });
    }
    return sets;
  }

  /** Walks the entries while the hop they came through is trusted; null: nothing to apply (or symmetry broken). */
  private walk(sets: EntrySet[], connectionAddress: IpAddress | null, remotePort: number): Accepted | null {
    const accepted: Accepted = {
      current: connectionAddress ? { address: connectionAddress, port: remotePort } : null,
      scheme: undefined,
      host: undefined,
      prefix: undefined,
      consumed: 0,
    };
    let applyChanges = false;
    for (; accepted.consumed < sets.length; accepted.consumed++) {
      const set = sets[accepted.consumed]!;
      if (accepted.current !== null && this.trust.enabled && !this.trust.isKnown(accepted.current.address)) break;
      if (this.checkFor) {
        const parsed = set.forText === undefined ? null : parseIpEndPoint(set.forText);
        if (parsed) {
          applyChanges = true;
          accepted.current = parsed;
        } else if (set.forText !== undefined && set.forText.length > 0) {
          break;
        } else if (this.symmetry) {
          return null;
        }
      }
      const step = this.acceptSchemeHostPrefix(set, accepted);
      if (step === "broken") return null;
      if (step === "changed") applyChanges = true;
    }
    return applyChanges ? accepted : null;
  }

  /** The proto, host and prefix of one entry; "broken": one was invalid while symmetry is required. */
  private acceptSchemeHostPrefix(set: EntrySet, accepted: Accepted): "changed" | "unchanged" | "broken" {
    let changed = false;
    if (this.checkProto) {
      if (set.scheme !== undefined && set.scheme.length > 0 && isValidScheme(set.scheme)) {
        changed = true;
        accepted.scheme = set.scheme;
      } else if (this.symmetry) {
        return "broken";
      }
    }
    if (this.checkHost) {
      if (
        set.host !== undefined &&
        isForwardedHostValid(set.host) &&
        (this.allowAllHosts || hostMatchesAny(set.host, this.allowedHosts.hosts))
      ) {
        changed = true;
        accepted.host = set.host;
      } else if (this.symmetry) {
        return "broken";
      }
    }
    if (this.checkPrefix) {
      if (set.prefix !== undefined && set.prefix.startsWith("/")) {
        changed = true;
        accepted.prefix = set.prefix;
      } else if (this.symmetry) {
        return "broken";
      }
    }
    return changed ? "changed" : "unchanged";
  }

  /** The new request: each applied field's original kept in X-Original-*, the consumed values cut off the field. */
  private applyAccepted(
    request: ForwardedRequest,
    headers: HeaderRecord,
    values: ForwardedValues,
    accepted: Accepted,
    connectionAddress: IpAddress | null,
  ): ForwardedRequest {
    const result: ForwardedRequest = { ...request, headers };
    const { current, scheme, host, prefix, consumed } = accepted;
    const truncate = (name: string, list: string[]): void => {
      // The values left form a multi-valued field, listed as repeated fields are (", "-joined).
      setHeader(headers, name, list.length > consumed ? list.slice(0, list.length - consumed).join(", ") : undefined);
    };
    if (this.checkFor && current !== null) {
      if (connectionAddress)
        setHeader(
          headers,
          HEADER.originalFor,
          formatIpEndPoint({ address: connectionAddress, port: request.remotePort }),
        );
      truncate(HEADER.forwardedFor, values.for);
      result.remoteIp = formatIpAddress(current.address);
      result.remotePort = current.port;
    }
    if (this.checkProto && scheme !== undefined) {
      setHeader(headers, HEADER.originalProto, request.scheme);
      truncate(HEADER.forwardedProto, values.proto);
      result.scheme = scheme;
    }
    if (this.checkHost && host !== undefined) {
      setHeader(headers, HEADER.originalHost, request.host);
      truncate(HEADER.forwardedHost, values.host);
      result.host = hostFromUriComponent(host);
      // Setting HttpRequest.Host rewrites the Host field the app reads too.
      setHeader(headers, "Host", host);
    }
    if (this.checkPrefix && prefix !== undefined) {
      if (request.pathBase.length > 0) setHeader(headers, HEADER.originalPrefix, request.pathBase);
      truncate(HEADER.forwardedPrefix, values.prefix);
      result.pathBase = decodePathBase(prefix);
    }
    result.headers = this.view(headers);
    return result;
  }
}

/** One-shot form of {@link createForwardedHeadersApplier}: returns a new request, never throws for bad input. */
export function applyForwardedHeaders(options: ForwardedHeadersOptions, request: ForwardedRequest): ForwardedRequest {
  return createForwardedHeadersApplier(options)(request);
}
