/**
 * HostFilteringMiddleware (docs/kestrel-rules.md §3.4): a missing/empty Host is decided by AllowEmptyHosts before the
 * wildcard; no configured hosts is a 500 on every request; a non-matching host is a 400.
 */
import { prepareAllowedHosts } from "./allowed-hosts.js";
import { HostFormatError, hostMatchesAny } from "./host-string.js";

export interface HostFilterOptions {
  allowedHosts: string[];
  /** Default true, as in ASP.NET Core. */
  allowEmptyHosts?: boolean;
  /** Default true: the 400 carries the Http.Sys "Invalid Hostname" page. */
  includeFailureMessage?: boolean;
}

/** HostFilteringOptions' defaults in ASP.NET Core; the scenario field table cites them. */
export const HOST_FILTERING_DEFAULTS = Object.freeze({ allowEmptyHosts: true, includeFailureMessage: true });

export interface HostFilterDecision {
  allowed: boolean;
  status: number;
}

/** Http.Sys's page, byte for byte as HostFilteringMiddleware sends it (334 bytes, CRLF, no final newline). */
export const INVALID_HOSTNAME_BODY = Buffer.from(
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
    "<HTML><HEAD><TITLE>Bad Request</TITLE>\r\n" +
    '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></ HEAD >\r\n' +
    "<BODY><h2>Bad Request - Invalid Hostname</h2>\r\n" +
    "<hr><p>HTTP Error 400. The request hostname is invalid.</p>\r\n" +
    "</BODY></HTML>",
  "latin1",
);

const ALLOWED: HostFilterDecision = Object.freeze({ allowed: true, status: 200 });
const REJECTED: HostFilterDecision = Object.freeze({ allowed: false, status: 400 });
const MISCONFIGURED: HostFilterDecision = Object.freeze({ allowed: false, status: 500 });

export function createHostFilter(options: HostFilterOptions): (host: string | undefined) => HostFilterDecision {
  const allowEmptyHosts = options.allowEmptyHosts ?? HOST_FILTERING_DEFAULTS.allowEmptyHosts;
  const prepared = prepareAllowedHosts(options.allowedHosts);
  const configured = prepared.allowAny || prepared.hosts.length > 0;
  return (host) => {
    // "No allowed hosts were configured." is thrown before the Host is looked at.
    if (!configured) return MISCONFIGURED;
    const value = host ?? "";
    if (value.length === 0) return allowEmptyHosts ? ALLOWED : REJECTED;
    if (prepared.allowAny) return ALLOWED;
    try {
      return hostMatchesAny(value, prepared.hosts) ? ALLOWED : REJECTED;
    } catch (error) {
      // MatchesAny's FormatException escapes the middleware: the server answers 500.
      if (error instanceof HostFormatError) return MISCONFIGURED;
      throw error;
    }
  };
}
