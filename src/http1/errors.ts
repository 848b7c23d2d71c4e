/** A request the server refuses while parsing: the status and reason a server-generated answer carries. */
import { EdgebenchError } from "../support/errors.js";
export class HttpRequestError extends EdgebenchError {
  readonly status: number;
  readonly allow: string | undefined;
  constructor(status: number, message: string, allow?: string) {
    super("ERR_HTTP_REQUEST", message);
    this.status = status;
    this.allow = allow;
  }
}

export const REASON_PHRASES: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Payload Too Large",
  414: "URI Too Long",
  421: "Misdirected Request",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? "Unknown";
}
