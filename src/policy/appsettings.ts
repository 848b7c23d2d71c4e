/**
 * ASP.NET Core configuration (appsettings.json) as edgebench options: the `AllowedHosts` string the default builder
 * reads, a `ForwardedHeaders` section bound to ForwardedHeadersOptions, and `ForwardedHeaders_Enabled` (what
 * ASPNETCORE_FORWARDEDHEADERS_ENABLED sets). Keys are matched case-insensitively, as .NET configuration does.
 */
import { parseAllowedHostsConfig } from "./allowed-hosts.js";
import { FORWARDED_HEADER_FLAGS, type ForwardedHeaderFlag, type ForwardedHeadersOptions } from "./forwarded-headers.js";

export interface AspNetCoreHostSettings {
  /** HostFiltering's AllowedHosts as the default builder reads it (missing or empty: `*`). */
  allowedHosts: string[];
  /** Null when nothing turns the ForwardedHeaders middleware on. */
  forwardedHeaders: ForwardedHeadersOptions | null;
}

export class AppSettingsError extends Error {
  readonly key: string;
  constructor(key: string, message: string) {
    super(`${key}: ${message}`);
    this.name = "AppSettingsError";
    this.key = key;
  }
}

const FLAG_BITS: Record<ForwardedHeaderFlag, number> = { XForwardedFor: 1, XForwardedHost: 2, XForwardedProto: 4, XForwardedPrefix: 8 };

function lookup(section: unknown, key: string): unknown {
  if (typeof section !== "object" || section === null || Array.isArray(section)) return undefined;
  const lower = key.toLowerCase();
  const match = Object.keys(section).find((k) => k.toLowerCase() === lower);
  return match === undefined ? undefined : (section as Record<string, unknown>)[match];
}

/** A [Flags] enum value as configuration gives it: `"XForwardedFor, XForwardedProto"`, `"All"`, or a number. */
function parseFlags(value: unknown, key: string): ForwardedHeaderFlag[] {
  let bits = 0;
  if (typeof value === "number" || (typeof value === "string" && /^\s*\d+\s*$/.test(value))) {
    bits = Number(value);
    if (bits < 0 || bits > 15) throw new AppSettingsError(key, `expected a ForwardedHeaders value from 0 to 15, found ${bits}`);
  } else if (typeof value === "string") {
    for (const part of value.split(",").map((p) => p.trim()).filter(Boolean)) {
      const lower = part.toLowerCase();
      if (lower === "none") continue;
      if (lower === "all") {
        bits |= 15;
        continue;
      }
      const flag = FORWARDED_HEADER_FLAGS.find((f) => f.toLowerCase() === lower);
      if (!flag) throw new AppSettingsError(key, `expected ${[...FORWARDED_HEADER_FLAGS, "All", "None"].join(", ")}; found '${part}'`);
      bits |= FLAG_BITS[flag];
    }
  } else {
    throw new AppSettingsError(key, "expected a string such as \"XForwardedFor, XForwardedProto\"");
  }
  return FORWARDED_HEADER_FLAGS.filter((flag) => (bits & FLAG_BITS[flag]) !== 0);
}

function parseBoolean(value: unknown, key: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  throw new AppSettingsError(key, `expected true or false, found ${JSON.stringify(value)}`);
}

function parseStringList(value: unknown, key: string): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  // .NET configuration also binds an object with keys "0", "1", … to a list.
  if (typeof value === "object" && value !== null && Object.keys(value).every((k) => /^\d+$/.test(k))) {
    return Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, v]) => String(v));
  }
  throw new AppSettingsError(key, "expected a list of strings");
}

/** Reads host filtering and forwarded-headers settings from a parsed appsettings document. */
export function readAspNetCoreSettings(settings: unknown): AspNetCoreHostSettings {
  if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
    const found = Array.isArray(settings) ? "a list" : settings === null ? "null" : typeof settings;
    throw new AppSettingsError("(document)", `expected a JSON object of settings, found ${found}`);
  }
  const allowedHostsValue = lookup(settings, "AllowedHosts");
  if (allowedHostsValue !== undefined && allowedHostsValue !== null && typeof allowedHostsValue !== "string") {
    throw new AppSettingsError("AllowedHosts", 'expected a ";"-separated string such as "example.com;*.example.com"');
  }
  const allowedHosts = parseAllowedHostsConfig(allowedHostsValue as string | null | undefined);

  let forwarded: ForwardedHeadersOptions | null = null;
  const enabled = lookup(settings, "ForwardedHeaders_Enabled");
  if (enabled !== undefined && parseBoolean(enabled, "ForwardedHeaders_Enabled")) {
    // ForwardedHeadersOptionsSetup: For and Proto, and every source trusted.
    forwarded = { forwardedHeaders: ["XForwardedFor", "XForwardedProto"], knownProxies: [], knownNetworks: [] };
  }
  const section = lookup(settings, "ForwardedHeaders");
  if (section !== undefined && section !== null) {
    if (typeof section !== "object" || Array.isArray(section)) throw new AppSettingsError("ForwardedHeaders", "expected a section (an object)");
    const options: ForwardedHeadersOptions = forwarded ?? { forwardedHeaders: [] };
    const flags = lookup(section, "ForwardedHeaders");
    if (flags !== undefined) options.forwardedHeaders = parseFlags(flags, "ForwardedHeaders:ForwardedHeaders");
    const limit = lookup(section, "ForwardLimit");
    if (limit !== undefined) {
      if (limit === null || limit === "") options.forwardLimit = null;
      else if (/^\d+$/.test(String(limit))) options.forwardLimit = Number(limit);
      else throw new AppSettingsError("ForwardedHeaders:ForwardLimit", `expected a whole number or null, found ${JSON.stringify(limit)}`);
    }
    const proxies = lookup(section, "KnownProxies");
    if (proxies !== undefined) options.knownProxies = parseStringList(proxies, "ForwardedHeaders:KnownProxies");
    const networks = lookup(section, "KnownNetworks") ?? lookup(section, "KnownIPNetworks");
    if (networks !== undefined) options.knownNetworks = parseStringList(networks, "ForwardedHeaders:KnownNetworks");
    const hosts = lookup(section, "AllowedHosts");
    if (hosts !== undefined) options.allowedHosts = parseStringList(hosts, "ForwardedHeaders:AllowedHosts");
    const symmetry = lookup(section, "RequireHeaderSymmetry");
    if (symmetry !== undefined) options.requireHeaderSymmetry = parseBoolean(symmetry, "ForwardedHeaders:RequireHeaderSymmetry");
    forwarded = options;
  }
  return { allowedHosts, forwardedHeaders: forwarded && forwarded.forwardedHeaders.length > 0 ? forwarded : null };
}

/** The text with every comment outside strings turned into spaces (line breaks kept), so positions still hold. */
export function blankJsonComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) {
      const end = text[i + 1] === "/" ? text.indexOf("\n", i) : text.indexOf("*/", i + 2) + 2;
      const stop = end <= 1 || end < i ? text.length : end;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop - 1;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * appsettings.json allows comments and trailing commas; JSON.parse does not. Strings are left untouched. Text that is
 * not JSON is refused by position only: the file may be something else entirely, and its contents are not echoed.
 */
export function parseJsonWithComments(text: string): unknown {
  const json = blankJsonComments(text).replace(/("(?:[^"\\]|\\.)*")|,(?=\s*[}\]])/g, (_match, string?: string) => string ?? "");
  try {
    return JSON.parse(json);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const before = position === undefined ? null : json.slice(0, Number(position)).split("\n");
    const where = before ? ` at line ${before.length}, column ${before.at(-1)!.length + 1}` : "";
    throw new AppSettingsError("(document)", `not JSON${where}: an appsettings file is a JSON object`);
  }
}
