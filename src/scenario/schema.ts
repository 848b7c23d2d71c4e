/** The scenario file's fields: names, types, limits and what each means (the source of the JSON Schema too). */
import { FORWARDED_HEADER_DEFAULTS, FORWARDED_HEADER_FLAGS } from "../policy/forwarded-headers.js";
import { HOST_FILTERING_DEFAULTS } from "../policy/host-filter.js";
import { ASPNETCORE_KNOBS, STRICT_KNOBS, type PolicyKnobs } from "../policy/knobs.js";
import type { FieldSpec, ObjectSpec, StringSyntax } from "./spec.js";

export const TOPOLOGY_KINDS = ["edge", "proxied"] as const;
export const PROXY_ENGINES = ["builtin", "nginx", "haproxy", "caddy", "yarp"] as const;
export const FORWARDED_FOR_MODES = ["append", "replace"] as const;
export const ENGINE_PROFILES = ["typical", "hardened"] as const;
export const TLS_MODES = ["off", "terminate", "reencrypt"] as const;
export const APP_RUNTIMES = ["simulated", "kestrel"] as const;
export const FRONTENDS = ["http1", "h2", "both"] as const;
export const BALANCING = ["round-robin", "least-pending"] as const;

/** A port to listen on; absent, an ephemeral one. */
const port = (description: string) =>
  ({
    type: "integer",
    minimum: 1,
    maximum: 65535,
    description,
    defaultDescription: "an ephemeral port",
  }) as const satisfies FieldSpec;

/** One direction of a shaped hop; the loader reads the defaults from here. */
export const DIRECTION_FIELDS = {
  latency: {
    type: "duration",
    minimumMs: 0,
    maximumMs: 10_000,
    default: "0ms",
    description: "One-way delay added to every chunk, e.g. 20ms or 200us.",
  },
  jitter: {
    type: "duration",
    minimumMs: 0,
    maximumMs: 10_000,
    default: "0ms",
    description: "Random extra delay, uniform in 0…jitter, never reordering bytes.",
  },
  bandwidthMbps: {
    type: "number",
    exclusiveMinimum: 0,
    maximum: 100_000,
    defaultDescription: "unlimited",
    description: "Link rate in megabits per second.",
  },
  resetProbability: {
    type: "number",
    minimum: 0,
    maximum: 1,
    default: 0,
    description: "Chance that a connection is reset once its first bytes have passed.",
  },
  stallProbability: {
    type: "number",
    minimum: 0,
    maximum: 1,
    default: 0,
    description: "Chance that a connection stops passing bytes, as a black-holed link does.",
  },
} as const satisfies Record<string, FieldSpec>;

/** The direction back toward the client: a field it does not give is the toward-server direction's. */
const TOWARD_CLIENT_FIELDS: Record<string, FieldSpec> = Object.fromEntries(
  Object.entries(DIRECTION_FIELDS).map(([name, field]) => {
    const { default: _literal, ...rest } = field as FieldSpec & { default?: unknown };
    return [name, { ...rest, defaultDescription: "as toward the server" } as FieldSpec];
  }),
);

const hopSpec = (description: string) =>
  ({
    type: "object",
    description,
    defaultDescription: "no shaping",
    fields: {
      ...DIRECTION_FIELDS,
      toClient: {
        type: "object",
        description: "Different settings for the direction back toward the client.",
        defaultDescription: "the same as toward the server",
        fields: TOWARD_CLIENT_FIELDS,
      },
    },
  }) as const satisfies FieldSpec;

/** Limits of a round and of the warm-up, the same in a scenario file and on the command line. */
export const ROUND_DURATION_LIMITS = { minimumMs: 100, maximumMs: 3_600_000 } as const;
export const WARMUP_LIMITS = { minimumMs: 0, maximumMs: 600_000 } as const;

// RFC 9112 §3.2.1 origin-form: absolute-path ["?" query], pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
const ORIGIN_FORM: StringSyntax = {
  pattern:
    "^(?:/(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+(?:\\?(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$",
  name: "a request target in origin form such as /api/items?id=1 (RFC 9112: starts with /, no spaces or controls)",
};
// RFC 9110 §5.5 field-value: visible characters and inner spaces; no CR, LF, NUL or other controls.
const FIELD_VALUE: StringSyntax = {
  pattern: "^[!-~\\u0080-\\u00ff](?:[ \\t!-~\\u0080-\\u00ff]*[!-~\\u0080-\\u00ff])?$",
  name: "a header field value (RFC 9110: visible characters, no CR, LF or other controls, no outer spaces)",
};

const hostList = (description: string) =>
  ({
    type: "stringOrList",
    description,
    separator: ";",
    items: {
      type: "string",
      minLength: 1,
      description: "A host name without port; `*.example.com` for subdomains, `*` for any.",
    },
  }) as const satisfies FieldSpec;

const pathList = (description: string) =>
  ({
    type: "array",
    unique: true,
    items: { type: "string", minLength: 1, description: "A path starting with `/`, such as /admin." },
    description,
  }) as const satisfies FieldSpec;

const SERVICE_TIME_DISTRIBUTIONS = ["fixed", "uniform", "lognormal"] as const;
const workTime = (description: string) =>
  ({ type: "duration", minimumMs: 0, maximumMs: 60_000, description }) as const satisfies FieldSpec;

export const workSpec = {
  type: "object",
  description:
    "What the app does per accepted request, to measure the proxy in front of an app that behaves like yours.",
  fields: {
    serviceTime: {
      type: "object",
      description: "How long the app works before answering; timers have about 1 ms resolution.",
      defaultDescription: "no wait",
      fields: {
        distribution: {
          type: "string",
          enum: SERVICE_TIME_DISTRIBUTIONS,
          default: "fixed",
          description: "fixed (`time`), uniform (`min`…`max`) or lognormal (`median` and `p99`).",
        },
        time: workTime("fixed: the service time of every request."),
        min: workTime("uniform: the shortest service time."),
        max: workTime("uniform: the longest service time."),
        median: workTime("lognormal: the median service time."),
        p99: workTime("lognormal: the 99th percentile of the service time (above the median)."),
      },
    },
    answerSize: {
      type: "size",
      maximumBytes: 64 * 1024 ** 2,
      defaultDescription: "the answer as it is",
      description: "Body size of each 200 answer, e.g. 16KiB or 1MiB: the JSON answer padded.",
    },
    chunks: {
      type: "integer",
      minimum: 1,
      maximum: 10_000,
      default: 1,
      defaultNote: "one piece",
      description: "Stream the answer in this many chunks, with chunked framing.",
    },
    chunkDelay: { ...workTime("Pause between two chunks of a streamed answer."), default: "0ms" },
  },
} as const satisfies ObjectSpec;

export const appSpec = {
  type: "object",
  description: "A simulated ASP.NET Core app (Kestrel + HostFiltering + ForwardedHeaders).",
  required: ["name"],
  fields: {
    name: { type: "string", minLength: 1, description: "The app's name, shown in reports and in its answers." },
    runtime: {
      type: "string",
      enum: APP_RUNTIMES,
      default: "simulated",
      description:
        "simulated: Kestrel's rules in TypeScript, nothing to install; kestrel: the bundled real ASP.NET Core app (needs dotnet).",
    },
    appsettings: {
      type: "string",
      minLength: 1,
      description:
        "An ASP.NET Core appsettings.json (path relative to this file) to read AllowedHosts and the ForwardedHeaders section from; fields given here override it.",
    },
    allowedHosts: {
      ...hostList(
        "HostFilteringOptions.AllowedHosts: a `;`-separated string as in appsettings.json, or a list; an appsettings file's AllowedHosts come before the default.",
      ),
      default: ["*"],
      defaultNote: "filtering off",
    },
    allowEmptyHosts: {
      type: "boolean",
      default: HOST_FILTERING_DEFAULTS.allowEmptyHosts,
      description: "HostFilteringOptions.AllowEmptyHosts: let a missing or empty Host through.",
    },
    includeFailureMessage: {
      type: "boolean",
      default: HOST_FILTERING_DEFAULTS.includeFailureMessage,
      description: "HostFilteringOptions.IncludeFailureMessage: the 400 carries the 'Invalid Hostname' page.",
    },
    allowHostHeaderOverride: {
      type: "boolean",
      default: false,
      description: "KestrelServerOptions.AllowHostHeaderOverride.",
    },
    requestHeadersTimeout: {
      type: "duration",
      minimumMs: 10,
      maximumMs: 3_600_000,
      default: "30s",
      description: "KestrelServerLimits.RequestHeadersTimeout: a request head must arrive whole within it, or 408.",
    },
    minRequestBodyDataRate: {
      type: "number",
      minimum: 0,
      maximum: 1e9,
      default: 240,
      description:
        "KestrelServerLimits.MinRequestBodyDataRate in bytes/s after a 5 s grace period, else 408; 0 turns it off.",
    },
    forwardedHeaders: {
      type: "stringOrList",
      separator: ",",
      default: ["None"],
      defaultNote: "the middleware is off",
      description:
        "ForwardedHeadersOptions.ForwardedHeaders: which X-Forwarded-* the app applies; an appsettings file's ForwardedHeaders section comes before the default.",
      items: {
        type: "string",
        enum: [...FORWARDED_HEADER_FLAGS, "All", "None"],
        description: "A ForwardedHeaders flag.",
      },
    },
    instances: {
      type: "integer",
      minimum: 1,
      maximum: 32,
      default: 1,
      description: "Copies of this app behind the proxy, balanced by it; at the edge one copy serves.",
    },
    port: port("The port this app listens on at the edge; two edge apps cannot share one."),
    forwardLimit: {
      type: "integer",
      minimum: 0,
      nullable: true,
      default: FORWARDED_HEADER_DEFAULTS.forwardLimit,
      description: "ForwardedHeadersOptions.ForwardLimit; null: no limit.",
    },
    knownProxies: {
      type: "array",
      items: { type: "string", description: "An IP address." },
      default: FORWARDED_HEADER_DEFAULTS.knownProxies,
      description: "ForwardedHeadersOptions.KnownProxies; a list given replaces the default list.",
    },
    knownNetworks: {
      type: "array",
      items: { type: "string", description: "A CIDR network." },
      default: FORWARDED_HEADER_DEFAULTS.knownNetworks,
      description: "ForwardedHeadersOptions.KnownNetworks; a list given replaces the default list.",
    },
    forwardedAllowedHosts: {
      ...hostList("ForwardedHeadersOptions.AllowedHosts: the X-Forwarded-Host values the app accepts."),
      defaultDescription: "any",
    },
    requireHeaderSymmetry: {
      type: "boolean",
      default: FORWARDED_HEADER_DEFAULTS.requireHeaderSymmetry,
      description: "ForwardedHeadersOptions.RequireHeaderSymmetry.",
    },
    internalPaths: {
      ...pathList(
        "Endpoints not meant for the internet (/admin, /metrics, /health…): the app serves them like any other path; the surface probes try to reach them.",
      ),
      default: [],
    },
    work: { ...workSpec, defaultDescription: "none beyond answering" },
    command: {
      type: "array",
      minItems: 1,
      items: {
        type: "string",
        minLength: 1,
        description: "The program, then its arguments; {{PORT}} and {{HOST}} are replaced.",
      },
      description:
        "Your own app (any language): edgebench starts one process per instance, e.g. [dotnet, MyApp.dll, --urls, 'http://{{HOST}}:{{PORT}}'] or [node, server.js]. It must listen on {{HOST}}:{{PORT}}.",
    },
    cwd: {
      type: "string",
      minLength: 1,
      default: ".",
      defaultNote: "this file's folder",
      description: "With command: the working directory, relative to this file.",
    },
    env: {
      type: "array",
      items: {
        type: "string",
        minLength: 2,
        description: "NAME=value; {{PORT}} and {{HOST}} are replaced in the value.",
      },
      default: [],
      description:
        "With command: environment variables added to edgebench's own, e.g. ['PORT={{PORT}}', 'ASPNETCORE_ENVIRONMENT=Production'].",
    },
    readyPath: {
      type: "string",
      minLength: 1,
      defaultDescription: "ready when its port accepts",
      description:
        "With command: a health path that must answer (any status below 500) before the app counts as started.",
    },
    readyTimeout: {
      type: "duration",
      minimumMs: 100,
      maximumMs: 600_000,
      default: "30s",
      description: "With command: how long the app may take to become ready.",
    },
    url: {
      type: "string",
      minLength: 1,
      description:
        "Your own app, already running (http://127.0.0.1:5000); loopback only unless --allow-remote. The proxies are started in front of it.",
    },
    echoContract: {
      type: "boolean",
      default: false,
      defaultNote: "graded on the wire",
      description:
        "Your app (command or url) implements edgebench's echo contract (README: who answered), so probes are graded on what it believed.",
    },
  },
} as const satisfies ObjectSpec;

export const proxySpec = {
  type: "object",
  description: "The reverse proxy of the proxied topology.",
  fields: {
    port: port("The port the proxy listens on."),
    frontend: {
      type: "string",
      enum: FRONTENDS,
      default: "http1",
      description:
        "What clients speak to the proxy: `http1`, `h2`, or `both` (ALPN over TLS; on cleartext HTTP/2 with prior knowledge where the engine can). The proxy speaks HTTP/1.1 to the app either way; load goes over HTTP/2 unless http1, and the h2-downgrade probes run against it.",
    },
    balancing: {
      type: "string",
      enum: BALANCING,
      default: "round-robin",
      description: "How requests are spread over an app's instances.",
    },
    forwarded: {
      type: "boolean",
      default: false,
      description: "Also send RFC 7239 `Forwarded: for=…;proto=…;host=…`.",
    },
    maxRequestBodyBytes: {
      type: "integer",
      minimum: 0,
      maximum: 1e12,
      unit: "bytes",
      default: 10 * 1024 ** 2,
      description: "Larger request bodies get 413.",
    },
    maxResponseBodyBytes: {
      type: "integer",
      minimum: 0,
      maximum: 1e12,
      unit: "bytes",
      default: 100 * 1024 ** 2,
      description: "Larger response bodies are cut off.",
    },
    engine: {
      type: "string",
      enum: PROXY_ENGINES,
      default: "builtin",
      description:
        "Which proxy runs: edgebench's own (builtin), or nginx, haproxy, caddy or yarp as a child process with a configuration written from this scenario.",
    },
    profile: {
      type: "string",
      enum: ENGINE_PROFILES,
      default: "hardened",
      description:
        "The generated nginx/HAProxy/Caddy configuration: hardened applies this proxy section in full; typical is what the engine's documentation and common tutorials write, see README.",
    },
    engineConfig: {
      type: "string",
      minLength: 1,
      defaultDescription: "the generated one",
      description:
        "Your own nginx/HAProxy/Caddy configuration (path relative to this file) to run instead of the generated one; it must use the placeholders {{LISTEN}}, {{UPSTREAM_0}}…, see README.",
    },
    preserveHost: {
      type: "boolean",
      default: true,
      description:
        "Pass the client's Host upstream; false sends the app's address and the client's Host in X-Forwarded-Host.",
    },
    forwardedFor: {
      type: "string",
      enum: FORWARDED_FOR_MODES,
      default: "replace",
      description: "X-Forwarded-For: append the peer to the client's list, or replace it.",
    },
    stripClientForwarded: {
      type: "boolean",
      default: true,
      description: "Drop client-sent X-Forwarded-*, Forwarded, X-Host, X-Original-Host and similar.",
    },
    allowedHosts: {
      ...hostList("A proxy-side Host allowlist; others get 421."),
      defaultDescription: "none, every Host is forwarded",
    },
    upstreamTimeout: {
      type: "duration",
      minimumMs: 1,
      default: "30s",
      description: "How long to wait for the app's answer before a 504.",
    },
    exposedPaths: {
      ...pathList(
        "Paths the proxy forwards, in Caddy's syntax: `/api/*` is a prefix (/api and everything under it), `/` or `/about` one exact path; every other path gets 404.",
      ),
      defaultDescription: "every path",
    },
    headerTimeout: {
      type: "duration",
      minimumMs: 10,
      maximumMs: 3_600_000,
      default: "60s",
      defaultNote: "as nginx's client_header_timeout",
      description: "Builtin proxy: a client's request head must arrive whole within it, or 408.",
    },
  },
} as const satisfies ObjectSpec;

export const loadSpec = {
  type: "object",
  description: "The load run against each topology.",
  fields: {
    model: {
      type: "string",
      enum: ["closed", "open"],
      defaultDescription: "open when a rate is given, else closed",
      description:
        "closed: N connections as fast as answered (capacity); open: a constant arrival rate, latency measured from each planned send (the fair comparison at equal load).",
    },
    rate: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1_000_000,
      defaultDescription: "rateFraction of the slower topology's capacity",
      description: "Open model: requests per second; without it, the capacity is found by a short closed run first.",
    },
    rateFraction: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.5,
      description: "Open model without a rate: the fraction of the slower topology's capacity to run at.",
    },
    connections: {
      type: "integer",
      minimum: 1,
      maximum: 10000,
      default: 10,
      description: "Concurrent connections; in the open model, the most requests in flight.",
    },
    pipelining: {
      type: "integer",
      minimum: 1,
      maximum: 64,
      default: 1,
      description: "Requests in flight per connection.",
    },
    streams: {
      type: "integer",
      minimum: 1,
      maximum: 256,
      default: 1,
      description: "Over an HTTP/2 front door: concurrent streams per connection.",
    },
    duration: {
      type: "duration",
      ...ROUND_DURATION_LIMITS,
      default: "2s",
      description: "Length of each measured round per topology.",
    },
    warmup: {
      type: "duration",
      ...WARMUP_LIMITS,
      default: "1s",
      description: "Unmeasured load per topology before the rounds.",
    },
    rounds: {
      type: "integer",
      minimum: 1,
      maximum: 1000,
      default: 3,
      description: "Measured rounds; topologies alternate within each.",
    },
    path: { type: "string", minLength: 1, syntax: ORIGIN_FORM, default: "/", description: "Request path." },
    method: {
      type: "string",
      enum: ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
      default: "GET",
      description: "Request method.",
    },
    host: {
      type: "string",
      minLength: 1,
      syntax: FIELD_VALUE,
      defaultDescription: "the first exact host of the policy",
      description: "Host header of the load.",
    },
    body: { type: "string", defaultDescription: "none, or bodySize bytes", description: "Request body." },
    bodySize: {
      type: "size",
      maximumBytes: 64 * 1024 ** 2,
      description: "A request body of this many bytes, e.g. 4KiB with method POST (instead of body).",
    },
  },
} as const satisfies ObjectSpec;

/** A knob's default is its profile's: the words come from the two knob tables, so they cannot disagree. */
const knob = <const Spec extends FieldSpec>(name: keyof PolicyKnobs, spec: Spec) => ({
  ...spec,
  defaultDescription: `the profile's (aspnetcore: ${String(ASPNETCORE_KNOBS[name])}, strict: ${String(STRICT_KNOBS[name])})`,
});

export const policySpec = {
  type: "object",
  description: "What the deployment must do with Host: the public hosts it must serve.",
  fields: {
    hosts: {
      ...hostList("The public hosts the deployment must serve."),
      defaultDescription: "the apps' allowedHosts",
    },
    internalPathsAtEdge: {
      type: "string",
      enum: ["exposed", "hidden"],
      default: "exposed",
      description:
        "An app's internalPaths reached at the edge (nothing in front can hide them): reported as `exposed`, or `hidden`: a failure.",
    },
    profile: {
      type: "string",
      enum: ["aspnetcore", "strict"],
      default: "aspnetcore",
      description:
        "Where the RFCs leave a choice: hold the deployment to ASP.NET Core's behaviour (aspnetcore) or to the strict recommendations of docs/probes.md (strict); knobs override single rules.",
    },
    knobs: {
      type: "object",
      description: "Single rules where the RFCs leave a choice (override the profile).",
      fields: {
        wildcardDepth: knob("wildcardDepth", {
          type: "string",
          enum: ["any", "one"],
          description: "`*.example.com` matches any number of labels (ASP.NET Core) or exactly one.",
        }),
        trailingDot: knob("trailingDot", {
          type: "string",
          enum: ["reject", "accept"],
          description: "`app.example.com.` is refused (ASP.NET Core) or served as the same host.",
        }),
        nonDefaultPort: knob("nonDefaultPort", {
          type: "string",
          enum: ["accept", "reject"],
          description: "`app.example.com:8080` is served (port ignored) or refused with 421.",
        }),
        emptyPort: knob("emptyPort", {
          type: "string",
          enum: ["reject", "accept"],
          description: "`app.example.com:` gets 400 (Kestrel) or is served.",
        }),
        underscoreLabels: knob("underscoreLabels", {
          type: "string",
          enum: ["accept", "reject"],
          description: "`acme_corp.…` is served (URI grammar) or refused (RFC 1123).",
        }),
        dnsLengthLimits: knob("dnsLengthLimits", {
          type: "boolean",
          description:
            "Hosts longer than DNS allows must be refused (true) or are served within server limits (false).",
        }),
        schemeCheck: knob("schemeCheck", {
          type: "string",
          enum: ["ignore", "reject"],
          description: "An https target over cleartext is ignored (Kestrel) or must be rejected (RFC 9110 §7.4).",
        }),
        h2Malformed: knob("h2Malformed", {
          type: "string",
          enum: ["reject", "harmless"],
          description:
            "A malformed HTTP/2 request must be refused (RFC 9113 §8.1.1) or may be served when nothing malformed reached the app (harmless).",
        }),
      },
    },
  },
} as const satisfies ObjectSpec;

export const networkSpec = {
  type: "object",
  description: "How the simulation attributes peers.",
  fields: {
    clientAddress: {
      type: "string",
      minLength: 1,
      default: "203.0.113.10",
      defaultNote: "a documentation address never contacted",
      description: "The address apps attribute to a client that is not their proxy.",
    },
    clientHop: hopSpec(
      "Shaping of the hop between the client and whatever faces it (the edge app or the proxy): latency, jitter, bandwidth, faults.",
    ),
    appHop: hopSpec("Shaping of the hop between the proxy and each app instance."),
  },
} as const satisfies ObjectSpec;

export const probesSpec = {
  type: "object",
  description: "The Host-header probes.",
  fields: {
    enabled: { type: "boolean", default: true, description: "Run probes." },
    timeout: {
      type: "duration",
      minimumMs: 10,
      maximumMs: 120_000,
      default: "2s",
      description: "Per-probe limit; no answer by then is a hang.",
    },
    slowHold: {
      type: "duration",
      minimumMs: 100,
      maximumMs: 120_000,
      default: "2s",
      description:
        "How long the slow-headers probe holds its trickling connections; a header timeout longer than this shows as 'held'.",
    },
  },
} as const satisfies ObjectSpec;

export const scenarioSpec = {
  type: "object",
  description:
    "An edgebench scenario: apps, how they are deployed (edge, proxied), the load to run and the Host policy to check.",
  required: ["apps"],
  fields: {
    $schema: { type: "string", description: "The JSON Schema of this file, for editors." },
    name: {
      type: "string",
      minLength: 1,
      defaultDescription: "the file name",
      description: "The scenario's name.",
    },
    description: { type: "string", default: "", description: "What this scenario shows." },
    apps: {
      type: "array",
      minItems: 1,
      items: appSpec,
      description: "The apps under test; behind the proxy they share its port, routed by Host.",
    },
    topologies: {
      type: "array",
      minItems: 1,
      unique: true,
      items: { type: "string", enum: TOPOLOGY_KINDS, description: "A topology." },
      default: ["edge", "proxied"],
      description:
        "Which deployments to run: `edge` (clients reach the app's own port) and `proxied` (client → reverse proxy → app).",
    },
    tls: {
      type: "string",
      enum: TLS_MODES,
      default: "off",
      description:
        "Where TLS is: `off`; `terminate`: clients speak HTTPS to whatever faces them (the edge app, or the proxy, which speaks HTTP to the app); `reencrypt`: as terminate, and the proxy speaks HTTPS to the app too. Certificates are made for the run.",
    },
    proxy: proxySpec,
    load: loadSpec,
    policy: policySpec,
    network: networkSpec,
    thresholds: {
      type: "array",
      items: {
        type: "string",
        minLength: 1,
        description:
          "METRIC OPERATOR VALUE, such as 'overhead.p99 < 2ms', 'proxied.rps > 10000', 'probes.failed == 0', or for one deployment of several 'proxied/nginx.p99 < 2ms'.",
      },
      default: [],
      description: "Conditions the run must meet; a failed one fails the run (exit 1).",
    },
    probes: probesSpec,
  },
} as const satisfies ObjectSpec;
