/**
 * Where AllowedHosts comes from, how its entries are prepared (docs/kestrel-rules.md §3.2, §3.3): the config string is
 * split on `;`, empty pieces dropped, nothing trimmed; a missing or empty value means `*`.
 */
import { hostToUriComponent } from "./host-string.js";

/** The default builder's reading of the `AllowedHosts` configuration string. */
export function parseAllowedHostsConfig(value: string | null | undefined): string[] {
  const hosts = (value ?? "").split(";").filter((entry) => entry.length > 0);
  return hosts.length > 0 ? hosts : ["*"];
}

export interface PreparedAllowedHosts {
  /** An entry was exactly `*`, `[::]` or `0.0.0.0` after conversion: every non-empty host is allowed. */
  allowAny: boolean;
  /** Punycoded, de-duplicated (ignoring case) entries, in their configured order. */
  hosts: string[];
}

const ALLOW_ANY_ENTRIES = new Set(["*", "[::]", "0.0.0.0"]);

/** MiddlewareConfigurationManager's preprocessing, shared by HostFiltering and ForwardedHeaders' AllowedHosts. */
export function prepareAllowedHosts(entries: readonly string[]): PreparedAllowedHosts {
  const hosts: string[] = [];
  const seen = new Set<string>();
  let allowAny = false;
  for (const entry of entries) {
    const converted = hostToUriComponent(entry);
    if (ALLOW_ANY_ENTRIES.has(converted)) allowAny = true;
    const key = converted.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      hosts.push(converted);
    }
  }
  return { allowAny, hosts };
}
