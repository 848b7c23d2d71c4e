/**
 * Grades what a target answered against a probe's expectation, on where the request ended up: the status, the hop
 * that answered, and what the app believed (its JSON answer), not the status alone.
 */
import { hostMatchesAny } from "../../policy/host-string.js";
import type { CauseId } from "../../results/causes.js";
import type { AnsweredBy, ObservedResponse } from "../../results/types.js";
import type { RawResponse } from "./raw-response.js";
import type { AppRecordEntry } from "../../http1/echo-contract.js";
import type { Outcome, ResponseExpectation } from "./types.js";
import { hiddenPathAtEdge, hiddenPathThroughProxy } from "./surface-fix.js";

export interface GradeContext {
  /** The public hosts the deployment must serve. */
  policyHosts: readonly string[];
  /** A proxy stood between the probe and the app (it can and must strip client-forged fields). */
  proxyInPath: boolean;
  /** Only the answers can be seen (an external target): a 2xx is taken as served, with no check of belief. */
  wireOnly?: boolean;
  /** What edgebench knows of the deployment's configuration, to say what to change. */
  hints?: DeploymentHints;
  /**
   * The app's record (echo contract) of each request of this exchange, in order: its entry, or null when the app has
   * no entry for it (the request never reached it). Absent: no record to ask.
   */
  appRecord?: ReadonlyArray<AppRecordEntry | null>;
  /** An internal endpoint reached without a proxy in the path: the outcome `exposed` (default), or a failure. */
  internalPathsAtEdge?: "exposed" | "hidden";
}

export interface DeploymentHints {
  /** The app's AllowedHosts lets any host through (`*`). */
  allowsAnyHost: boolean;
  /** The app's AllowEmptyHosts is on. */
  allowsEmptyHost: boolean;
  /** The app applies forwarded headers from any peer (KnownProxies and KnownNetworks empty). */
  trustsAnyPeer: boolean;
  /** A proxy is in the path and passes client forwarding headers on. */
  proxyPassesClientForwarding: boolean;
  /** A proxy is in the path without its own Host allowlist. */
  proxyForwardsAnyHost: boolean;
  /** Which proxy it is (builtin, nginx, haproxy, caddy), to say how to fix it in its own terms. */
  proxyEngine?: string;
  /** The proxy's published path prefixes (null: every path), to name the rule that let a hidden path through. */
  exposedPaths?: readonly string[] | null;
  /** The proxy runs the user's own configuration (--engine-config), not one edgebench wrote. */
  userEngineConfig?: boolean;
}

/** The configuration fact that let a forged or empty host through, when edgebench knows it. */
function hostCause(host: string, context: GradeContext): CauseId | undefined {
  const hints = context.hints;
  if (!hints) return undefined;
  if (host === "" && hints.allowsEmptyHost) return "app-allows-empty-host";
  if (hints.allowsAnyHost) return "app-allows-any-host";
  // An allowlist only helps against a host the policy does not allow.
  if (context.proxyInPath && hints.proxyForwardsAnyHost && !matchesPolicy(host, context.policyHosts)) return "proxy-forwards-any-host";
  return undefined;
}

/** The configuration fact that made the app believe a forged forwarding header. */
function trustCause(context: GradeContext): CauseId | undefined {
  const hints = context.hints;
  if (!hints) return undefined;
  if (context.proxyInPath && hints.proxyPassesClientForwarding) return "proxy-passes-client-forwarding";
  if (hints.trustsAnyPeer) return "app-trusts-any-peer";
  return undefined;
}

/** What went wrong, and the configuration fact behind it when edgebench knows it. */
interface Problem {
  text: string;
  cause?: CauseId | undefined;
}

export interface Grade {
  observed: ObservedResponse[];
  pass: boolean;
  explanation: string;
  /** The first problem's cause, when known. */
  cause?: CauseId;
}

interface AppView {
  host: string;
  scheme: string;
  remoteIp: string | null;
  headers: Record<string, string>;
  /** Routing's decision (null: the catch-all); undefined when the app does not report it. */
  endpoint: string | null | undefined;
  path: string | undefined;
  bodyLength: number | undefined;
}

/** The app's JSON answer, when this response is one. */
function appView(response: RawResponse): AppView | null {
  if (response.status < 200 || response.status >= 300) return null;
  try {
    const parsed = JSON.parse(response.body.toString("utf8")) as Partial<AppView> & { app?: unknown };
    if (typeof parsed.host !== "string" || typeof parsed.app !== "string" || typeof parsed.headers !== "object" || parsed.headers === null) return null;
    const endpoint = typeof parsed.endpoint === "string" || parsed.endpoint === null ? parsed.endpoint : undefined;
    const path = typeof parsed.path === "string" ? parsed.path : undefined;
    const bodyLength = typeof parsed.bodyLength === "number" ? parsed.bodyLength : undefined;
    return { host: parsed.host, scheme: String(parsed.scheme), remoteIp: parsed.remoteIp ?? null, headers: parsed.headers, endpoint, path, bodyLength };
  } catch {
    return null;
  }
}

/** Refusals before the app: 421 (recommended), 400, 403, 404, and a server's 405/414/431 for a malformed request. */
const REFUSALS = new Set([400, 403, 404, 405, 414, 421, 431]);

export function classifyOutcome(status: number): Outcome | "other" {
  if (status >= 200 && status < 300) return "accept";
  if (status === 400) return "400";
  if (REFUSALS.has(status)) return "reject";
  return "other";
}

/**
 * Who answered, decided from the app side: the app when its record holds the request with the status on the wire;
 * whatever stands in front of it otherwise (the app's answer was replaced, or the request never reached it; at an
 * external target something may stand in front of the app, at an edge nothing does). Without
 * a record only the app's own JSON answer says "app"; anything else is unknown, since proxies rewrite `Server`.
 */
function answeredBy(
  status: number,
  app: AppView | null,
  record: AppRecordEntry | null | undefined,
  inFront: boolean,
): AnsweredBy {
  if (record === undefined) return app ? "app" : "unknown";
  if (record && record.status === status) return "app";
  return inFront ? "proxy" : "app";
}

function matchesPolicy(host: string, policyHosts: readonly string[]): boolean {
  try {
    return hostMatchesAny(host, policyHosts);
  } catch {
    return false;
  }
}

function describe(outcomes: readonly Outcome[]): string {
  return outcomes.map((o) => (o === "400" ? "400" : o === "reject" ? "a refusal (421/400/403/404)" : "an answer from the app (2xx)")).join(" or ");
}

/** A downgraded request whose framing the app read differently from the client: the smuggling signature. */
function framingProblem(expect: ResponseExpectation, app: AppView): string | null {
  if (expect.smuggledPath !== undefined && app.path === expect.smuggledPath) {
    return `a second request appeared: the app answered '${expect.smuggledPath}', which the client only sent inside a body (request smuggling)`;
  }
  if (expect.absentField !== undefined && app.headers[expect.absentField] !== undefined) {
    return `the malformed field '${expect.absentField}' reached the app as '${app.headers[expect.absentField]}': the front door must refuse the request (RFC 9113 §8.2.1), not downgrade it`;
  }
  if (expect.appBodyLength !== undefined && app.bodyLength !== undefined && app.bodyLength !== expect.appBodyLength) {
    return `the app read a ${app.bodyLength}-byte body where the client's DATA frames carried ${expect.appBodyLength}: the downgrade reframed it`;
  }
  return null;
}

/** A 502/504 to a request whose body disagreed with its content-length: the proxy forwarded it, the app waited. */
function gatewayAfterDowngrade(expect: ResponseExpectation, status: number): string {
  if (expect.appBodyLength === undefined || (status !== 502 && status !== 504)) return "";
  return ": the proxy forwarded a content-length the DATA frames did not carry, so the app waited for bytes that never came; the front door must reset such a stream (RFC 9113 §8.1.1)";
}

/** Why an accepted request is still wrong, from what the app believed; null when it is right. */
function beliefProblem(expect: ResponseExpectation, app: AppView | null, context: GradeContext): Problem | null {
  if (!app) return { text: "a 2xx that did not come from the app: the proxy answered for a host it should refuse or route" };
  const framing = framingProblem(expect, app);
  if (framing) return { text: framing };
  const forged = expect.notBelieved;
  if (forged?.host !== undefined && app.host.toLowerCase() === forged.host.toLowerCase()) {
    const text = `the app believed the forged host '${forged.host}': trust X-Forwarded-Host only from known proxies (KnownProxies/KnownNetworks) and strip it at the edge.`;
    return { text, cause: trustCause(context) };
  }
  if (forged?.remoteIp !== undefined && app.remoteIp === forged.remoteIp) {
    return { text: `the app believed the forged client address ${forged.remoteIp}: trust X-Forwarded-For only from known proxies.`, cause: trustCause(context) };
  }
  if (forged?.scheme !== undefined && app.scheme === forged.scheme) {
    return { text: `the app believed the forged scheme '${forged.scheme}': trust X-Forwarded-Proto only from known proxies.`, cause: trustCause(context) };
  }
  if (!matchesPolicy(app.host, context.policyHosts)) {
    const text = `the app served Host '${app.host}', which the policy does not allow: list only the public hosts in AllowedHosts (or the proxy's allowlist).`;
    return { text, cause: hostCause(app.host, context) };
  }
  if (expect.appHost !== undefined && app.host.toLowerCase() !== expect.appHost.toLowerCase()) {
    return { text: `the app believed Host '${app.host}' instead of '${expect.appHost}'` };
  }
  if (context.proxyInPath) {
    for (const [name, value] of expect.forbiddenHeaders ?? []) {
      const seen = app.headers[name];
      if (seen !== undefined && seen.split(",").some((v) => v.trim() === value)) {
        const cause = context.hints?.proxyPassesClientForwarding ? ("proxy-passes-client-forwarding" as const) : undefined;
        return { text: `the client's '${name}: ${value}' reached the app: the proxy must strip or overwrite it`, cause };
      }
    }
  }
  return null;
}

/** Whether an accepted request reached an internal endpoint it was meant not to, and whether that fails here. */
function surfaceProblem(
  expect: ResponseExpectation,
  app: AppView | null,
  context: GradeContext,
): { reached: boolean; problem: string | null } | null {
  const hidden = expect.hiddenEndpoint;
  if (!hidden || !app) return null;
  if (app.endpoint === undefined) {
    const problem = "the app's answer does not say which endpoint served it (no `endpoint`): cannot tell whether it reached the internal path";
    return { reached: false, problem };
  }
  if (app.endpoint === null || app.endpoint.toLowerCase() !== hidden.path.toLowerCase()) return null;
  if (context.proxyInPath) return { reached: true, problem: hiddenPathThroughProxy(hidden, context.hints) };
  if (context.internalPathsAtEdge === "hidden") return { reached: true, problem: hiddenPathAtEdge(hidden) };
  return { reached: true, problem: null };
}

/** How the exchange ended, beside its parsed responses. */
export interface ExchangeSummary {
  closedByServer: boolean;
  timedOut: boolean;
  error?: string;
  timeoutMs: number;
  reset?: boolean;
  /** What came back that is not a complete response (describeUnparsed), if anything. */
  unparsed?: string | null;
}

export function grade(
  expectations: readonly ResponseExpectation[],
  responses: ReadonlyArray<RawResponse | undefined>,
  exchange: ExchangeSummary,
  context: GradeContext,
): Grade {
  const observed: ObservedResponse[] = [];
  const problems: Problem[] = [];
  expectations.forEach((expect, index) => {
    const response = responses[index];
    const label = expectations.length > 1 ? `request ${index + 1}: ` : "";
    if (!response) {
      const unparsed = index === responses.length ? exchange.unparsed : null;
      const how = exchange.reset ? "reset" : "closed";
      if (exchange.error) problems.push({ text: `${label}no answer: ${exchange.error}` });
      else if (unparsed) problems.push({ text: `${label}${unparsed}; expected ${describe(expect.outcomes)}` });
      else if (exchange.timedOut) problems.push({ text: `${label}no answer within ${exchange.timeoutMs} ms: a hang` });
      else if (!expect.outcomes.includes("reject")) problems.push({ text: `${label}the connection was ${how} without an answer; expected ${describe(expect.outcomes)}` });
      return;
    }
    const app = appView(response);
    const outcome = classifyOutcome(response.status);
    const surface = outcome === "accept" && !context.wireOnly ? surfaceProblem(expect, app, context) : null;
    const record = context.appRecord ? (context.appRecord[index] ?? null) : undefined;
    observed.push({
      status: response.status,
      answeredBy: answeredBy(response.status, app, record, context.proxyInPath || context.wireOnly === true),
      ...(record ? { appReceived: { status: record.status, host: record.host } } : {}),
      outcome: surface?.reached ? "exposed" : outcome,
      ...(app ? { app: { host: app.host, scheme: app.scheme, remoteIp: app.remoteIp, headerHost: app.headers.host, endpoint: app.endpoint } } : {}),
    });
    if (surface?.problem) {
      problems.push({ text: label + surface.problem });
      return;
    }
    const fits = outcome === "400" ? expect.outcomes.includes("400") || expect.outcomes.includes("reject") : outcome !== "other" && expect.outcomes.includes(outcome);
    if (!fits) {
      const reached = outcome === "accept" && app ? ` (the app served it as Host '${app.host}')` : gatewayAfterDowngrade(expect, response.status);
      const text = `${label}expected ${describe(expect.outcomes)}, got ${response.status}${reached}`;
      problems.push({ text, cause: outcome === "accept" && app ? hostCause(app.host, context) : undefined });
      return;
    }
    if (outcome === "accept" && !context.wireOnly) {
      const problem = beliefProblem(expect, app, context);
      if (problem) problems.push({ ...problem, text: label + problem.text });
    }
  });
  const cause = problems.find((problem) => problem.cause)?.cause;
  return { observed, pass: problems.length === 0, explanation: problems.map((problem) => problem.text).join("; "), ...(cause ? { cause } : {}) };
}
