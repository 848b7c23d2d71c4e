/**
 * What the builtin proxy forwards, as pure functions: the request head it sends upstream (hop-by-hop fields removed,
 * client forwarding fields stripped or kept, X-Forwarded-* and optionally RFC 7239 Forwarded set, Host per
 * preserveHost) and the response fields it passes back.
 */
import { HttpRequestError } from "../../http1/errors.js";
import { connectionTokens, type HeaderField, type RequestHead } from "../../http1/parser.js";
import { CLIENT_FORWARDING_FIELDS } from "../../policy/client-forwarding.js";

/** RFC 9110 §7.6.1 hop-by-hop fields, never forwarded. */
export const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Client forwarding fields by lower-case name (the one list every engine's configuration strips too). */
const CLIENT_FORWARDING = new Set(CLIENT_FORWARDING_FIELDS.map((name) => name.toLowerCase()));

export interface ForwardingPolicy {
  preserveHost: boolean;
  appendForwardedFor: boolean;
  stripClientForwarded: boolean;
  /** Also send RFC 7239 Forwarded. */
  forwarded: boolean;
}

export interface ForwardedRequestContext {
  /** The client's address as the proxy saw it (no IPv4-mapped prefix). */
  peer: string;
  secure: boolean;
  /** The effective Host (from the Host field or an absolute-form target). */
  host: string;
  /** The app's authority, for preserveHost: false. */
  upstreamAuthority: string;
}

/** The target's path and the effective Host (RFC 9112 §3.2.2: an absolute-form target's authority wins). */
export function resolveTarget(head: RequestHead, host: string): { path: string; host: string } {
  if (head.target.startsWith("/")) return { path: head.target, host };
  if (head.target.startsWith("http://") || head.target.startsWith("https://")) {
    let url: URL;
    try {
      url = new URL(head.target);
    } catch {
      throw new HttpRequestError(400, "Invalid request target.");
    }
    if (url.hostname === "") throw new HttpRequestError(400, "Invalid request target.");
    return { path: `${url.pathname}${url.search}`, host: url.host };
  }
  if (head.target === "*" && head.method === "OPTIONS") return { path: "*", host };
  if (head.method === "CONNECT")
    throw new HttpRequestError(
      405,
      "This proxy does not tunnel CONNECT.",
      "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS",
    );
  throw new HttpRequestError(400, "Invalid request target.");
}

/** An RFC 7239 node: IPv6 in brackets and quotes, IPv4 bare. */
function forwardedNode(address: string): string {
  return address.includes(":") ? `"[${address}]"` : address;
}

/** The request fields to send upstream, without framing fields (the caller adds Content-Length or chunked). */
export function forwardedRequestFields(
  head: RequestHead,
  context: ForwardedRequestContext,
  policy: ForwardingPolicy,
): string {
  const dropped = head.names.includes("connection") ? connectionTokens(head) : null;
  const client: Record<"x-forwarded-for" | "x-forwarded-host" | "x-forwarded-proto" | "forwarded", string[]> = {
    "x-forwarded-for": [],
    "x-forwarded-host": [],
    "x-forwarded-proto": [],
    forwarded: [],
  };
  let text = "";
  for (let i = 0; i < head.fields.length; i++) {
    const lower = head.names[i]!;
    // Host and the framing fields are set from what this proxy decided.
    if (lower === "host" || lower === "content-length" || HOP_BY_HOP.has(lower) || dropped?.has(lower)) continue;
    const [name, value] = head.fields[i]!;
    if (lower in client) {
      client[lower as keyof typeof client].push(value);
      continue;
    }
    if (policy.stripClientForwarded && (CLIENT_FORWARDING.has(lower) || lower.includes("_"))) continue;
    text += `${name}: ${value}\r\n`;
  }
  // Each hop appends to what came before; stripping starts the lists afresh at this, the first hop.
  const chain = (name: keyof typeof client, own: string, keepClient: boolean): string =>
    keepClient && client[name].length > 0 ? `${client[name].join(", ")}, ${own}` : own;
  const proto = context.secure ? "https" : "http";
  text += `Host: ${policy.preserveHost ? context.host : context.upstreamAuthority}\r\n`;
  text += `X-Forwarded-For: ${chain("x-forwarded-for", context.peer, policy.appendForwardedFor)}\r\n`;
  text += `X-Forwarded-Proto: ${chain("x-forwarded-proto", proto, !policy.stripClientForwarded)}\r\n`;
  if (context.host.length > 0)
    text += `X-Forwarded-Host: ${chain("x-forwarded-host", context.host, !policy.stripClientForwarded)}\r\n`;
  if (policy.forwarded) {
    const own = `for=${forwardedNode(context.peer)};proto=${proto}${context.host ? `;host="${context.host}"` : ""}`;
    text += `Forwarded: ${chain("forwarded", own, policy.appendForwardedFor && !policy.stripClientForwarded)}\r\n`;
  } else if (!policy.stripClientForwarded && client.forwarded.length > 0) {
    text += `Forwarded: ${client.forwarded.join(", ")}\r\n`;
  }
  return text;
}

/** The app's response fields to pass back: hop-by-hop fields, those its Connection names, and framing removed. */
export function forwardedResponseFields(fields: readonly HeaderField[], names: readonly string[]): HeaderField[] {
  let dropped: Set<string> | null = null;
  for (let i = 0; i < names.length; i++) {
    if (names[i] !== "connection") continue;
    dropped ??= new Set();
    for (const token of fields[i]![1].split(",")) dropped.add(token.trim().toLowerCase());
  }
  const kept: HeaderField[] = [];
  for (let i = 0; i < names.length; i++) {
    const lower = names[i]!;
    if (lower === "content-length" || HOP_BY_HOP.has(lower) || dropped?.has(lower)) continue;
    kept.push(fields[i]!);
  }
  return kept;
}
