/**
 * A user's own engine configuration (--engine-config): edgebench fills in only the addresses it chose, through
 * placeholders, so the rest of the file (the rules under test in CI) runs exactly as written.
 *
 *   {{LISTEN}}          127.0.0.1:PORT the proxy must listen on     {{LISTEN_PORT}}  that port alone
 *   {{UPSTREAM_i}}      host:port of app i's first instance          {{UPSTREAM_i_j}} instance j (from 1) of app i
 *   {{SOURCE_ADDRESS}}  the address to connect to apps from           {{DIR}}          the engine's private folder
 *   {{CERT}} {{KEY}} {{CA}} {{PEM}}  certificate files when the scenario has TLS (PEM: certificate then key)
 */
import type { EngineSpec } from "./types.js";
import { EdgebenchError } from "../support/errors.js";

export class EngineConfigError extends EdgebenchError {
  constructor(message: string) {
    super("ERR_ENGINE_CONFIG", message);
  }
}

export function fillEngineConfig(text: string, spec: EngineSpec, file: string): string {
  const values: Record<string, string> = {
    LISTEN: `${spec.listen.host}:${spec.listen.port}`,
    LISTEN_PORT: String(spec.listen.port),
    SOURCE_ADDRESS: spec.sourceAddress,
    DIR: spec.dir,
  };
  spec.routes.forEach((route, i) => {
    values[`UPSTREAM_${i}`] = `${route.upstreams[0]!.host}:${route.upstreams[0]!.port}`;
    route.upstreams.forEach((u, j) => (values[`UPSTREAM_${i}_${j + 1}`] = `${u.host}:${u.port}`));
  });
  if (spec.tls)
    Object.assign(values, {
      CERT: spec.tls.certFile,
      KEY: spec.tls.keyFile,
      CA: spec.tls.caFile,
      PEM: `${spec.dir}/server.pem`,
    });
  if (!/\{\{LISTEN(_PORT)?\}\}/.test(text)) {
    throw new EngineConfigError(
      `${file}: has no {{LISTEN}} or {{LISTEN_PORT}}: edgebench must choose the port the proxy listens on (see README, "Real proxies")`,
    );
  }
  const unknown = new Set<string>();
  const filled = text.replace(/\{\{([A-Z0-9_]+)\}\}/g, (whole, name: string) => {
    if (name in values) return values[name]!;
    unknown.add(name);
    return whole;
  });
  if (unknown.size > 0)
    throw new EngineConfigError(
      `${file}: unknown placeholder${unknown.size > 1 ? "s" : ""} ${[...unknown].map((n) => `{{${n}}}`).join(", ")}; this scenario offers ${Object.keys(
        values,
      )
        .map((n) => `{{${n}}}`)
        .join(", ")}`,
    );
  return filled;
}
