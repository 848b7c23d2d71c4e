/**
 * The app configurations the conformance corpus is sent under: each is given, unchanged, to the simulated app and
 * to the real one. Host rules under several filters, and forwarded-header chains under nine ForwardedHeadersOptions.
 */
import type { AppOptions } from "../servers/app.js";

export interface OptionSet {
  name: string;
  /** What the corpus sends under it. */
  kind: "host" | "forwarded" | "http2";
  options: AppOptions;
  /** Also send every probe of the catalog under it. */
  catalog?: boolean;
  /** Source address of the client's connections (a loopback alias), when the set tells proxy from client. */
  localAddress?: string;
}

const HOSTS = ["app.example.com", "*.tenant.example.com"];
const PEERS = { clientAddress: "203.0.113.10", proxyAddresses: ["127.0.0.2"] };

export const OPTION_SETS: readonly OptionSet[] = [
  { name: "any-host", kind: "host", options: {} },
  { name: "filtered", kind: "host", catalog: true, options: { allowedHosts: HOSTS, allowEmptyHosts: false } },
  {
    name: "filtered-empty-ok-no-page",
    kind: "host",
    options: { allowedHosts: HOSTS, allowEmptyHosts: true, includeFailureMessage: false },
  },
  {
    name: "filtered-host-override",
    kind: "host",
    options: { allowedHosts: HOSTS, allowEmptyHosts: false, allowHostHeaderOverride: true },
  },
  {
    name: "internal-paths",
    kind: "host",
    options: { allowedHosts: HOSTS, allowEmptyHosts: false, internalPaths: ["/admin", "/internal/health"] },
  },
  { name: "xf-all-defaults", kind: "forwarded", options: { forwardedHeaders: { forwardedHeaders: ["All"] } } },
  {
    name: "xf-all-any-peer-unlimited",
    kind: "forwarded",
    catalog: true,
    options: {
      forwardedHeaders: { forwardedHeaders: ["All"], forwardLimit: null, knownProxies: [], knownNetworks: [] },
    },
  },
  {
    name: "xf-limit2-symmetric",
    kind: "forwarded",
    options: { forwardedHeaders: { forwardedHeaders: ["All"], forwardLimit: 2, requireHeaderSymmetry: true } },
  },
  {
    name: "xf-limit0",
    kind: "forwarded",
    options: { forwardedHeaders: { forwardedHeaders: ["All"], forwardLimit: 0 } },
  },
  {
    name: "xf-for-proto-known-proxy",
    kind: "forwarded",
    options: {
      forwardedHeaders: {
        forwardedHeaders: ["XForwardedFor", "XForwardedProto"],
        knownProxies: ["127.0.0.1"],
        knownNetworks: [],
      },
    },
  },
  {
    name: "xf-host-allowed-hosts",
    kind: "forwarded",
    options: {
      allowedHosts: HOSTS,
      forwardedHeaders: { forwardedHeaders: ["XForwardedHost", "XForwardedPrefix"], allowedHosts: HOSTS },
    },
  },
  { name: "xf-none-flags", kind: "forwarded", options: { forwardedHeaders: { forwardedHeaders: ["None"] } } },
  {
    name: "xf-defaults-client-peer",
    kind: "forwarded",
    catalog: true,
    options: { forwardedHeaders: { forwardedHeaders: ["All"] }, ...PEERS },
  },
  {
    name: "xf-defaults-proxy-peer",
    kind: "forwarded",
    options: { forwardedHeaders: { forwardedHeaders: ["All"] }, ...PEERS },
    localAddress: "127.0.0.2",
  },
  {
    name: "http2-filtered",
    kind: "http2",
    options: { protocols: "Http2", allowedHosts: HOSTS, allowEmptyHosts: false },
  },
];
