/** The scenario file's fields: names, types, limits and what each means (the source of the JSON Schema too). */
import { FORWARDED_HEADER_FLAGS } from "../policy/forwarded-headers.js";
import type { FieldSpec, ObjectSpec, StringSyntax } from "./spec.js";

export const TOPOLOGY_KINDS = ["edge", "proxied"] as const;
export const PROXY_ENGINES = ["builtin", "nginx", "haproxy", "caddy", "yarp"] as const;
export const FORWARDED_FOR_MODES = ["append", "replace"] as const;
export const ENGINE_PROFILES = ["typical", "hardened"] as const;
export const TLS_MODES = ["off", "terminate", "reencrypt"] as const;
export const APP_RUNTIMES = ["simulated", "kestrel"] as const;
export const FRONTENDS = ["http1", "h2", "both"] as const;
export const BALANCING = ["round-robin", "least-pending"] as const;

const port = (description: string): FieldSpec => ({ type: "integer", minimum: 1, maximum: 65535, description });

const directionFields: Record<string, FieldSpec> = {
  latency: {
    type: "duration",
    minimumMs: 0,
    maximumMs: 10_000,
    description: "One-way delay added to every chunk, e.g. 20ms or 200us (default 0).",
  },
  jitter: {
    type: "duration",
    minimumMs: 0,
    maximumMs: 10_000,
    description: "Random extra delay, uniform in 0…jitter, never reordering bytes (default 0).",
  },
  bandwidthMbps: {
    type: "number",
    exclusiveMinimum: 0,
    maximum: 100_000,
    description: "Link rate in megabits per second (default: unlimited).",
  },
  resetProbability: {
    type: "number",
    minimum: 0,
    maximum: 1,
    description: "Chance that a connection is reset once its first bytes have passed (default 0).",
  },
  stallProbability: {
    type: "number",
    minimum: 0,
    maximum: 1,
    description: "Chance that a connection stops passing bytes, as a black-holed link does (default 0).",
  },
};

const hopSpec = (description: string): FieldSpec => ({
  type: "object",
  description,
  fields: {
    ...directionFields,
    toClient: {
      type: "object",
      description:
        "Different settings for the direction back toward the client (default: the same as toward the server).",
      fields: directionFields,
    },
  },
});

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

const hostList = (description: string): FieldSpec => ({
  type: "stringOrList",
  description,
  separator: ";",
  items: {
    type: "string",
    minLength: 1,
    description: "A host name without port; `*.example.com` for subdomains, `*` for any.",
  },
});

const pathList = (description: string): FieldSpec => ({
  type: "array",
  unique: true,
  items: { type: "string", minLength: 1, description: "A path starting with `/`, such as /admin." },
  description,
});

const SERVICE_TIME_DISTRIBUTIONS = ["fixed", "uniform", "lognormal"] as const;
const workTime = (description: string): FieldSpec => ({
  type: "duration",
  minimumMs: 0,
  maximumMs: 60_000,
  description,
});

const workSpec: FieldSpec = {
  type: "object",
  description:
    "What the app does per accepted request, to measure the proxy in front of an app that behaves like yours.",
  fields: {
    serviceTime: {
      type: "object",
      description: "How long the app works before answering (default: no wait). Timers have about 1 ms resolution.",
      fields: {
        distribution: {
          type: "string",
          enum: SERVICE_TIME_DISTRIBUTIONS,
          description: "fixed (`time`), uniform (`min`…`max`) or lognormal (`median` and `p99`). Default fixed.",
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
      description: "Body size of each 200 answer, e.g. 16KiB or 1MiB (the JSON answer padded; default: as it is).",
    },
    chunks: {
      type: "integer",
      minimum: 1,
      maximum: 10_000,
      description: "Stream the answer in this many chunks, with chunked framing (default 1: one piece).",
    },
    chunkDelay: workTime("Pause between two chunks of a streamed answer (default 0)."),
  },
};

const appSpec: ObjectSpec = {
  type: "object",
  description: "A simulated ASP.NET Core app (Kestrel + HostFiltering + ForwardedHeaders).",
  required: ["name"],
  fields: {
    name: { type: "string", minLength: 1, description: "The app's name, shown in reports and in its answers." },
    runtime: {
      type: "string",
      enum: APP_RUNTIMES,
      description:
        "simulated (default: Kestrel's rules in TypeScript, nothing to install) or kestrel (the bundled real ASP.NET Core app; needs dotnet).",
    },
    appsettings: {
      type: "string",
      minLength: 1,
      description:
        "An ASP.NET Core appsettings.json (path relative to this file) to read AllowedHosts and the ForwardedHeaders section from; fields given here override it.",
    },
    allowedHosts: hostList(
      "HostFilteringOptions.AllowedHosts: a `;`-separated string as in appsettings.json, or a list. Default `*` (filtering off).",
    ),
    allowEmptyHosts: {
      type: "boolean",
      description: "HostFilteringOptions.AllowEmptyHosts (default true): let a missing or empty Host through.",
    },
    includeFailureMessage: {
      type: "boolean",
      description:
        "HostFilteringOptions.IncludeFailureMessage (default true): the 400 carries the 'Invalid Hostname' page.",
    },
    allowHostHeaderOverride: {
      type: "boolean",
      description: "KestrelServerOptions.AllowHostHeaderOverride (default false).",
    },
    requestHeadersTimeout: {
      type: "duration",
      minimumMs: 10,
      maximumMs: 3_600_000,
      description:
        "KestrelServerLimits.RequestHeadersTimeout: a request head must arrive whole within it, or 408 (default 30s).",
    },
    minRequestBodyDataRate: {
      type: "number",
      minimum: 0,
      maximum: 1e9,
      description:
        "KestrelServerLimits.MinRequestBodyDataRate in bytes/s after a 5 s grace period, else 408; 0 turns it off (default 240).",
    },
    forwardedHeaders: {
      type: "stringOrList",
      separator: ",",
      description:
        "ForwardedHeadersOptions.ForwardedHeaders: which X-Forwarded-* the app applies (default None: the middleware is off).",
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
      description: "Copies of this app behind the proxy, balanced by it (default 1); at the edge one copy serves.",
    },
    port: port(
      "The port this app listens on at the edge (default: an ephemeral port). Two edge apps cannot share one.",
    ),
    forwardLimit: {
      type: "integer",
      minimum: 0,
      nullable: true,
      description: "ForwardedHeadersOptions.ForwardLimit (default 1; null: no limit).",
    },
    knownProxies: {
      type: "array",
      items: { type: "string", description: "An IP address." },
      description: "ForwardedHeadersOptions.KnownProxies (default ['::1']).",
    },
    knownNetworks: {
      type: "array",
      items: { type: "string", description: "A CIDR network." },
      description: "ForwardedHeadersOptions.KnownNetworks (default ['127.0.0.0/8']).",
    },
    forwardedAllowedHosts: hostList(
      "ForwardedHeadersOptions.AllowedHosts: the X-Forwarded-Host values the app accepts (default: any).",
    ),
    requireHeaderSymmetry: {
      type: "boolean",
      description: "ForwardedHeadersOptions.RequireHeaderSymmetry (default false).",
    },
    internalPaths: pathList(
      "Endpoints not meant for the internet (/admin, /metrics, /health…): the app serves them like any other path; the surface probes try to reach them.",
    ),
    work: workSpec,
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
      description: "With command: the working directory (relative to this file; default: this file's folder).",
    },
    env: {
      type: "array",
      items: {
        type: "string",
        minLength: 2,
        description: "NAME=value; {{PORT}} and {{HOST}} are replaced in the value.",
      },
      description:
        "With command: environment variables added to edgebench's own, e.g. ['PORT={{PORT}}', 'ASPNETCORE_ENVIRONMENT=Production'].",
    },
    readyPath: {
      type: "string",
      minLength: 1,
      description:
        "With command: a health path that must answer (any status below 500) before the app counts as started (default: its port accepts).",
    },
    readyTimeout: {
      type: "duration",
      minimumMs: 100,
      maximumMs: 600_000,
      description: "With command: how long the app may take to become ready (default 30s).",
    },
    url: {
      type: "string",
      minLength: 1,
      description:
        "Your own app, already running (http://127.0.0.1:5000); loopback only unless --allow-remote. The proxies are started in front of it.",
    },
    echoContract: {
      type: "boolean",
      description:
        "Your app (command or url) implements edgebench's echo contract (README: who answered), so probes are graded on what it believed; default false: graded on the wire.",
    },
  },
};

export const scenarioSpec: ObjectSpec = {
  type: "object",
  description:
    "An edgebench scenario: apps, how they are deployed (edge, proxied), the load to run and the Host policy to check.",
  required: ["apps"],
  fields: {
    $schema: { type: "string", description: "The JSON Schema of this file, for editors." },
    name: { type: "string", minLength: 1, description: "The scenario's name (default: the file name)." },
    description: { type: "string", description: "What this scenario shows." },
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
      description:
        "Which deployments to run: `edge` (clients reach the app's own port) and `proxied` (client → reverse proxy → app). Default both.",
    },
    tls: {
      type: "string",
      enum: TLS_MODES,
      description:
        "Where TLS is: `off` (default); `terminate`: clients speak HTTPS to whatever faces them (the edge app, or the proxy, which speaks HTTP to the app); `reencrypt`: as terminate, and the proxy speaks HTTPS to the app too. Certificates are made for the run.",
    },
    proxy: {
      type: "object",
      description: "The reverse proxy of the proxied topology.",
      fields: {
        port: port("The port the proxy listens on (default: an ephemeral port)."),
        frontend: {
          type: "string",
          enum: FRONTENDS,
          description:
            "What clients speak to the proxy: `http1` (default), `h2`, or `both` (ALPN over TLS; on cleartext HTTP/2 with prior knowledge where the engine can). The proxy speaks HTTP/1.1 to the app either way; load goes over HTTP/2 unless http1, and the h2-downgrade probes run against it.",
        },
        balancing: {
          type: "string",
          enum: BALANCING,
          description: "How requests are spread over an app's instances (default round-robin).",
        },
        forwarded: {
          type: "boolean",
          description: "Also send RFC 7239 `Forwarded: for=…;proto=…;host=…` (default false).",
        },
        maxRequestBodyBytes: {
          type: "integer",
          minimum: 0,
          maximum: 1e12,
          description: "Larger request bodies get 413 (default 10 MiB).",
        },
        maxResponseBodyBytes: {
          type: "integer",
          minimum: 0,
          maximum: 1e12,
          description: "Larger response bodies are cut off (default 100 MiB).",
        },
        engine: {
          type: "string",
          enum: PROXY_ENGINES,
          description:
            "Which proxy runs: edgebench's own (default builtin), or nginx, haproxy or caddy as a child process with a configuration written from this scenario.",
        },
        profile: {
          type: "string",
          enum: ENGINE_PROFILES,
          description:
            "The generated nginx/HAProxy/Caddy configuration: hardened (default; this proxy section applied in full) or typical (what the engine's documentation and common tutorials write; see README).",
        },
        engineConfig: {
          type: "string",
          minLength: 1,
          description:
            "Your own nginx/HAProxy/Caddy configuration (path relative to this file) to run instead of the generated one; it must use the placeholders {{LISTEN}}, {{UPSTREAM_0}}… (see README).",
        },
        preserveHost: {
          type: "boolean",
          description:
            "Pass the client's Host upstream (default true); false sends the app's address and the client's Host in X-Forwarded-Host.",
        },
        forwardedFor: {
          type: "string",
          enum: FORWARDED_FOR_MODES,
          description: "X-Forwarded-For: append the peer to the client's list, or replace it (default replace).",
        },
        stripClientForwarded: {
          type: "boolean",
          description: "Drop client-sent X-Forwarded-*, Forwarded, X-Host, X-Original-Host and similar (default true).",
        },
        allowedHosts: hostList("A proxy-side Host allowlist; others get 421 (default: none, every Host is forwarded)."),
        upstreamTimeout: {
          type: "duration",
          minimumMs: 1,
          description: "How long to wait for the app's answer before a 504 (default 30s).",
        },
        exposedPaths: pathList(
          "Paths the proxy forwards, in Caddy's syntax: `/api/*` is a prefix (/api and everything under it), `/` or `/about` one exact path; every other path gets 404. Default: every path.",
        ),
        headerTimeout: {
          type: "duration",
          minimumMs: 10,
          maximumMs: 3_600_000,
          description:
            "Builtin proxy: a client's request head must arrive whole within it, or 408 (default 60s, as nginx's client_header_timeout).",
        },
      },
    },
    load: {
      type: "object",
      description: "The load run against each topology.",
      fields: {
        model: {
          type: "string",
          enum: ["closed", "open"],
          description:
            "closed: N connections as fast as answered (capacity); open: a constant arrival rate, latency measured from each planned send (the fair comparison at equal load). Default closed.",
        },
        rate: {
          type: "number",
          exclusiveMinimum: 0,
          maximum: 1_000_000,
          description:
            "Open model: requests per second (default: rateFraction of the slower topology's capacity, found by a short closed run).",
        },
        rateFraction: {
          type: "number",
          exclusiveMinimum: 0,
          maximum: 1,
          description:
            "Open model without a rate: the fraction of the slower topology's capacity to run at (default 0.5).",
        },
        connections: {
          type: "integer",
          minimum: 1,
          maximum: 10000,
          description: "Concurrent connections (default 10); in the open model, the most requests in flight.",
        },
        pipelining: {
          type: "integer",
          minimum: 1,
          maximum: 64,
          description: "Requests in flight per connection (default 1).",
        },
        streams: {
          type: "integer",
          minimum: 1,
          maximum: 256,
          description: "Over an HTTP/2 front door: concurrent streams per connection (default 1).",
        },
        duration: {
          type: "duration",
          ...ROUND_DURATION_LIMITS,
          description: "Length of each measured round per topology (default 2s).",
        },
        warmup: {
          type: "duration",
          ...WARMUP_LIMITS,
          description: "Unmeasured load per topology before the rounds (default 1s).",
        },
        rounds: {
          type: "integer",
          minimum: 1,
          maximum: 1000,
          description: "Measured rounds; topologies alternate within each (default 3).",
        },
        path: { type: "string", minLength: 1, syntax: ORIGIN_FORM, description: "Request path (default /)." },
        method: {
          type: "string",
          enum: ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
          description: "Request method (default GET).",
        },
        host: {
          type: "string",
          minLength: 1,
          syntax: FIELD_VALUE,
          description: "Host header of the load (default: the first exact host of the policy).",
        },
        body: { type: "string", description: "Request body (default none)." },
        bodySize: {
          type: "size",
          maximumBytes: 64 * 1024 ** 2,
          description: "A request body of this many bytes, e.g. 4KiB with method POST (instead of body).",
        },
      },
    },
    policy: {
      type: "object",
      description: "What the deployment must do with Host: the public hosts it must serve.",
      fields: {
        hosts: hostList("The public hosts the deployment must serve (default: the apps' allowedHosts)."),
        internalPathsAtEdge: {
          type: "string",
          enum: ["exposed", "hidden"],
          description:
            "An app's internalPaths reached at the edge (nothing in front can hide them): reported as `exposed` (default), or `hidden`: a failure.",
        },
        profile: {
          type: "string",
          enum: ["aspnetcore", "strict"],
          description:
            "Where the RFCs leave a choice: hold the deployment to ASP.NET Core's behaviour (default) or to the strict recommendations of docs/probes.md; knobs override single rules.",
        },
        knobs: {
          type: "object",
          description: "Single rules where the RFCs leave a choice (override the profile).",
          fields: {
            wildcardDepth: {
              type: "string",
              enum: ["any", "one"],
              description: "`*.example.com` matches any number of labels (ASP.NET Core) or exactly one.",
            },
            trailingDot: {
              type: "string",
              enum: ["reject", "accept"],
              description: "`app.example.com.` is refused (ASP.NET Core) or served as the same host.",
            },
            nonDefaultPort: {
              type: "string",
              enum: ["accept", "reject"],
              description: "`app.example.com:8080` is served (port ignored) or refused with 421.",
            },
            emptyPort: {
              type: "string",
              enum: ["reject", "accept"],
              description: "`app.example.com:` gets 400 (Kestrel) or is served.",
            },
            underscoreLabels: {
              type: "string",
              enum: ["accept", "reject"],
              description: "`acme_corp.…` is served (URI grammar) or refused (RFC 1123).",
            },
            dnsLengthLimits: {
              type: "boolean",
              description: "Hosts longer than DNS allows must be refused (default false: served within server limits).",
            },
            schemeCheck: {
              type: "string",
              enum: ["ignore", "reject"],
              description: "An https target over cleartext is ignored (Kestrel) or must be rejected (RFC 9110 §7.4).",
            },
            h2Malformed: {
              type: "string",
              enum: ["reject", "harmless"],
              description:
                "A malformed HTTP/2 request must be refused (RFC 9113 §8.1.1) or may be served when nothing malformed reached the app (default harmless; strict: reject).",
            },
          },
        },
      },
    },
    network: {
      type: "object",
      description: "How the simulation attributes peers.",
      fields: {
        clientAddress: {
          type: "string",
          minLength: 1,
          description:
            "The address apps attribute to a client that is not their proxy (default 203.0.113.10, a documentation address never contacted).",
        },
        clientHop: hopSpec(
          "Shaping of the hop between the client and whatever faces it (the edge app or the proxy): latency, jitter, bandwidth, faults.",
        ),
        appHop: hopSpec("Shaping of the hop between the proxy and each app instance."),
      },
    },
    thresholds: {
      type: "array",
      items: {
        type: "string",
        minLength: 1,
        description:
          "METRIC OPERATOR VALUE, such as 'overhead.p99 < 2ms', 'proxied.rps > 10000' or 'probes.failed == 0'.",
      },
      description: "Conditions the run must meet; a failed one fails the run (exit 1).",
    },
    probes: {
      type: "object",
      description: "The Host-header probes.",
      fields: {
        enabled: { type: "boolean", description: "Run probes (default true)." },
        timeout: {
          type: "duration",
          minimumMs: 10,
          maximumMs: 120_000,
          description: "Per-probe limit; no answer by then is a hang (default 2s).",
        },
        slowHold: {
          type: "duration",
          minimumMs: 100,
          maximumMs: 120_000,
          description:
            "How long the slow-headers probe holds its trickling connections; a header timeout longer than this shows as 'held' (default 2s).",
        },
      },
    },
  },
};
