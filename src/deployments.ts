/**
 * Named deployments given by URL (`--deployment edge=http://127.0.0.1:8080`): what `export` aims a distributed load
 * engine at. Loopback only unless the caller allows remote addresses (a deployment the user owns).
 */
import { isLoopbackHostname } from "./probe-target.js";

export interface Deployment {
  /** edge, proxied, or any other name: letters, digits, `-` and `_`. */
  name: string;
  /** Origin (scheme, host, port), no path. */
  url: string;
}

export class DeploymentError extends Error {
  readonly code = "ERR_DEPLOYMENT";
  constructor(message: string) {
    super(message);
    this.name = "DeploymentError";
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** One `name=URL`; http or https, loopback unless `allowRemote`. */
export function parseDeployment(text: string, allowRemote = false): Deployment {
  const equals = text.indexOf("=");
  const fail = (reason: string): DeploymentError => new DeploymentError(`--deployment '${text}': ${reason}`);
  if (equals < 0) throw fail("expected NAME=URL, such as edge=http://127.0.0.1:8080");
  const name = text.slice(0, equals).trim();
  const address = text.slice(equals + 1).trim();
  if (!NAME.test(name)) throw fail(`the name '${name}' must be a letter then letters, digits, - or _`);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw fail(`'${address}' is not a URL (expected http://127.0.0.1:PORT)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw fail(`only http:// and https:// deployments, not '${url.protocol}//'`);
  }
  if (!allowRemote && !isLoopbackHostname(url.hostname)) {
    throw fail(
      `'${url.hostname}' is not a loopback address; load goes only to 127.0.0.0/8, [::1] or localhost ` +
        "unless --allow-remote is given (only a deployment you own)",
    );
  }
  return { name, url: url.origin };
}

/** Every `--deployment` given, at least one, names unique. */
export function parseDeployments(texts: readonly string[], allowRemote = false): Deployment[] {
  if (texts.length === 0) {
    throw new DeploymentError(
      "give at least one --deployment NAME=URL (for a paired overhead: edge=URL and proxied=URL)",
    );
  }
  const deployments = texts.map((text) => parseDeployment(text, allowRemote));
  const seen = new Set<string>();
  for (const deployment of deployments) {
    if (seen.has(deployment.name)) {
      throw new DeploymentError(`--deployment: the name '${deployment.name}' is given twice`);
    }
    seen.add(deployment.name);
  }
  return deployments;
}
