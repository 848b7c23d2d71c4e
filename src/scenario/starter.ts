/** The commented starter scenario `edgebench init` writes. */

export interface StarterOptions {
  /** Public hosts, e.g. ["app.example.com", "*.tenant.example.com"]. */
  hosts: string[];
  /** The app applies X-Forwarded-For and -Proto from its proxy. */
  forwardedHeaders: boolean;
  /** The JSON Schema's path relative to the new file, for editors (null: no schema line). */
  schemaPath: string | null;
}

export function starterScenario(options: StarterOptions): string {
  const hosts = options.hosts.map((host) => JSON.stringify(host)).join(", ");
  return `${options.schemaPath ? `# yaml-language-server: $schema=${options.schemaPath}\n` : ""}# An edgebench scenario: run it with \`edgebench run <this file>\`; every field is explained in the README.
name: my-app
description: My app at the edge and behind a reverse proxy.

apps:
  - name: web
    # HostFiltering: the hosts the app answers; "*" turns filtering off (the template default, and a finding).
    allowedHosts: ${JSON.stringify(options.hosts.join(";"))}
    # Refuse requests without a Host (ASP.NET Core lets them through by default).
    allowEmptyHosts: false
${
  options.forwardedHeaders
    ? `    # Behind a proxy: take the client's address and scheme from it. Only loopback proxies are trusted by default;
    # list yours in knownProxies / knownNetworks.
    forwardedHeaders: [XForwardedFor, XForwardedProto]
`
    : `    # Behind a proxy, the app usually needs: forwardedHeaders: [XForwardedFor, XForwardedProto]
`
}    # Or read AllowedHosts and the ForwardedHeaders section from your own config:
    # appsettings: appsettings.Production.json
    # instances: 3             # copies behind the proxy, balanced (the report shows the split)

topologies: [edge, proxied]
# tls: terminate              # HTTPS where clients connect; reencrypt: and from the proxy to the app too

proxy:
  engine: builtin             # or nginx, haproxy, caddy (installed from your distribution), yarp (needs dotnet), or --engine a,b,c
  preserveHost: true          # false: the app gets the proxy's upstream Host and X-Forwarded-Host
  stripClientForwarded: true  # drop X-Forwarded-* and friends sent by clients
  # allowedHosts: ${JSON.stringify(options.hosts.join(";"))}   # the proxy's own allowlist; other hosts get 421

# network:                    # real network conditions, shaped in-process
#   clientHop: { latency: 20ms, jitter: 2ms, bandwidthMbps: 100 }
#   appHop: { latency: 200us }

load:
  connections: 10
  warmup: 1s
  duration: 2s
  rounds: 5                   # more rounds, tighter intervals
  # model: open               # constant arrival rate; with rate: 500, or a fraction of the slower capacity

policy:
  hosts: [${hosts}]
  profile: aspnetcore         # or strict: the strict recommendations of docs/probes.md where the RFCs leave a choice

thresholds:
  - probes.failed == 0
  # - overhead.p99 < 5ms
`;
}
