/**
 * HTTP/2 probe requests: exact fields in the order given (pseudo-headers included), as literals so forbidden bytes
 * go out as they are, and a follow-up stream on the same connection that shows whether a request hidden in a body
 * reached the app once the proxy downgraded to HTTP/1.1.
 */
import { dataFrame, headersFrame } from "../../http2/frames.js";
import { encodeHeaderBlock, type FieldLine } from "../../http2/hpack.js";
import type { PolicyKnobs, ProbeNames, ProbeRequest, ResponseExpectation } from "./types.js";

/** The path of the request a smuggling probe hides in its body. */
export const SMUGGLED_PATH = "/edgebench-smuggled";

/** A well-formed request's pseudo-headers: the scheme of the connection and the allowed host as :authority. */
export function pseudoHeaders(names: ProbeNames, method = "GET", path = "/"): FieldLine[] {
  return [
    [":method", method],
    [":scheme", names.secure ? "https" : "http"],
    [":authority", names.allowed],
    [":path", path],
  ];
}

/** One stream's frames: HEADERS, then one DATA frame with the body when there is one. */
export function streamFrames(streamId: number, fields: readonly FieldLine[], body?: Buffer): Buffer {
  const block = encodeHeaderBlock(fields);
  if (!body) return headersFrame(streamId, block, true);
  return Buffer.concat([headersFrame(streamId, block, false), dataFrame(streamId, body, true)]);
}

/** An HTTP/1.1 request for the app, as a body that a downgrade might cut loose. */
export function smuggledRequest(names: ProbeNames): Buffer {
  return Buffer.from(`GET ${SMUGGLED_PATH} HTTP/1.1\r\nHost: ${names.allowed}\r\n\r\n`, "latin1");
}

/** An h2 probe: the probe's stream, then (when `followUp`) a plain GET on stream 3 that must not meet a smuggled request. */
export function h2Probe(
  names: ProbeNames,
  fields: readonly FieldLine[],
  expect: ResponseExpectation,
  options: { body?: Buffer; followUp?: boolean } = {},
): ProbeRequest {
  const request: ProbeRequest = { protocol: "h2", bytes: streamFrames(1, fields, options.body), expect: [expect] };
  if (!options.followUp) return request;
  request.then = [streamFrames(3, pseudoHeaders(names))];
  request.expect.push({ outcomes: ["accept", "reject"], appHost: names.allowed, smuggledPath: SMUGGLED_PATH });
  return request;
}

/**
 * A malformed request: refused (RST_STREAM, GOAWAY or a 4xx), or, where the policy allows it, served harmless: the
 * app believed the allowed host (not `forged`), read the body the DATA frames carried, and saw no second request.
 */
export function refusedOrHarmless(
  names: ProbeNames,
  knobs: Readonly<PolicyKnobs>,
  harmless: Omit<ResponseExpectation, "outcomes"> = {},
): ResponseExpectation {
  const outcomes: ResponseExpectation["outcomes"] = knobs.h2Malformed === "reject" ? ["reject"] : ["reject", "accept"];
  return { outcomes, appHost: names.allowed, smuggledPath: SMUGGLED_PATH, ...harmless };
}

/** A malformed field (RFC 9113 §8.2.1): served harmless means the field was dropped (nghttp2 ignores such fields). */
export function refusedOrDropped(names: ProbeNames, knobs: Readonly<PolicyKnobs>, field: string, forgedHost?: string): ResponseExpectation {
  const forged = forgedHost ? { notBelieved: { host: forgedHost } } : {};
  return refusedOrHarmless(names, knobs, { absentField: field.toLowerCase(), ...forged });
}
