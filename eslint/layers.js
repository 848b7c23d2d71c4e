// The folders of src/ from the top of the program to the bottom. A module may import from its own folder and from any
// folder below its own, never from one above and never sideways within a row: that is what keeps data flowing one way
// and lets every row be read (and tested) knowing only the rows under it. README's "Architecture" shows this table.
// A top-level file of src/ (run.ts, probe-target.ts, …) counts as a folder of its own name.
export const LAYERS = [
  ["cli"], // commander: parse, call the library, map the verdict to an exit code
  ["index"], // the library's public entry
  ["export"], // plans a distributed run of the deployments (Artillery, k6)
  ["running-deployments"], // load and probes against deployments already running (--deployment NAME=URL)
  ["deployments"], // several deployments' probe targets
  ["probe-target"], // probes against a URL that is already running
  ["fix-scenario"], // re-runs a scenario with its fixes applied
  ["run"], // one run: start the topology, probe, load, finish the result
  ["fixes"], // the changes that fix each root cause (pure, plus file edits)
  ["ui"], // live progress on a TTY
  ["reporters"], // pure: typed results in, text out
  ["conformance"], // the simulation against real Kestrel
  ["topology"], // starts and stops the parts of a deployment
  ["plan"], // scenario → deployments, pure
  ["apps"], // app runtimes: simulated, Kestrel, the user's own
  ["engines"], // nginx, HAProxy, Caddy, YARP: configuration and start
  ["servers"], // in-process app and builtin proxy
  ["network"], // listeners and the link shaper
  ["dotnet"], // the .NET build cache
  ["processes"], // child-process mechanism
  ["runners"], // load generators and probe senders: measurement, no formatting
  ["results"], // typed results: statistics, thresholds, verdict, compare, merge, import
  ["scenario"], // the scenario file: field table, loading, validation
  ["tls"], // certificates and verification
  ["http2"], // HTTP/2 wire protocol
  ["http1"], // HTTP/1 wire protocol
  ["policy"], // ASP.NET Core semantics, pure
  ["support"], // small generic helpers (spelling suggestions)
  ["version"], // the package version
];
