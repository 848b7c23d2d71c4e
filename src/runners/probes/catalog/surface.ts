/**
 * The surface probes: each internal path of the probed app with an allowed Host, plainly and in the disguises that
 * make a proxy and the app read a path differently. Graded on the app's routing decision (`endpoint` in its answer),
 * not on the status: an internal endpoint reached through a proxy fails; at the edge it is `exposed`.
 */
import { defineProbe, request, type ProbeDefinition, type ProbeNames } from "../types.js";

interface Disguise {
  id: string;
  title: string;
  why: string;
  /** The request-target for an internal path (such as /admin). */
  target(path: string, names: ProbeNames): string;
}

const REFERENCE = "RFC 3986 §5.2.4; Kestrel PathNormalizer; ASP.NET Core routing";

/** `/admin` → `/%61dmin`: the first letter percent-encoded (unreserved: the same path, RFC 3986 §2.3). */
function encodeFirstLetter(path: string): string {
  const index = path.search(/[A-Za-z]/);
  if (index < 0) return path;
  return `${path.slice(0, index)}%${path.charCodeAt(index).toString(16)}${path.slice(index + 1)}`;
}

const DISGUISES: readonly Disguise[] = [
  {
    id: "surface-internal",
    title: "An internal path, plainly",
    why: "A proxy publishes only the public paths; at the edge everything is public.",
    target: (path) => path,
  },
  {
    id: "surface-dot-segment",
    title: "A public prefix, then `..` back to the internal path",
    why: "A prefix check on the raw path passes it; Kestrel removes the dot segment.",
    target: (path, { publicPath }) => `${publicPath}/..${path}`,
  },
  {
    id: "surface-encoded-dots",
    title: "A public prefix, then `%2e%2e`",
    why: "Kestrel decodes before it removes dot segments, so `%2e%2e` climbs out of the public prefix.",
    target: (path, { publicPath }) => `${publicPath}/%2e%2e${path}`,
  },
  {
    id: "surface-double-slash",
    title: "A leading double slash",
    why: "A proxy that merges slashes sees the internal path; routing counts an empty segment.",
    target: (path) => `/${path}`,
  },
  {
    id: "surface-uppercase",
    title: "The internal path in upper case",
    why: "ASP.NET Core routing is case-insensitive; a case-sensitive deny rule is not.",
    target: (path) => path.toUpperCase(),
  },
  {
    id: "surface-semicolon",
    title: "A `;` parameter after the internal path",
    why: "Some proxies strip `;…` path parameters (Tomcat style); Kestrel keeps them in the segment.",
    target: (path) => `${path};x=1`,
  },
  {
    id: "surface-encoded-slash",
    title: "An encoded slash after the internal path",
    why: "Kestrel keeps `%2F` encoded; a proxy that decodes it sees another path.",
    target: (path) => `${path}%2f`,
  },
  {
    id: "surface-encoded-letter",
    title: "A percent-encoded letter",
    why: "`%61` is `a`: the same path for Kestrel; a raw comparison sees another.",
    target: encodeFirstLetter,
  },
  {
    id: "surface-trailing-dot-segment",
    title: "A trailing `/.`",
    why: "Kestrel removes it, and routing ignores the trailing slash left behind.",
    target: (path) => `${path}/.`,
  },
  {
    id: "surface-nul",
    title: "An encoded NUL after the internal path",
    why: "Kestrel refuses a decoded NUL with 400; a proxy may cut the path at it.",
    target: (path) => `${path}%00`,
  },
  {
    id: "surface-absolute-form",
    title: "An absolute-form target naming the internal path",
    why: "The path of an absolute URI is what the app routes; a proxy matching the raw target sees `http:…`.",
    target: (path, { allowed }) => `http://${allowed}${path}`,
  },
  {
    id: "surface-backslash",
    title: "A public prefix, then `\\..\\`",
    why: "Some servers read `\\` as `/` (IIS); Kestrel and routing do not.",
    target: (path, { publicPath }) => `${publicPath}\\..\\${path.slice(1)}`,
  },
];

function disguised(disguise: Disguise): ProbeDefinition {
  return defineProbe({
    id: disguise.id,
    title: disguise.title,
    category: "surface",
    reference: REFERENCE,
    why: disguise.why,
    perInternalPath: true,
    build: (names) => {
      if (!names.internalPath) return null;
      const sent = disguise.target(names.internalPath, names);
      return {
        bytes: request([`GET ${sent} HTTP/1.1`, `Host: ${names.allowed}`, "Connection: close"]),
        expect: [{ outcomes: ["reject", "accept"], hiddenEndpoint: { path: names.internalPath, sent } }],
      };
    },
  });
}

/** The control: a published path must still be served, or a proxy refusing everything would pass. */
const publicControl = defineProbe({
  id: "surface-public-control",
  title: "Control: a published path",
  category: "surface",
  reference: "policy",
  why: "The deployment must serve its public paths.",
  build: ({ allowed, publicPath, internalPath }) =>
    internalPath
      ? {
          bytes: request([`GET ${publicPath}/ HTTP/1.1`, `Host: ${allowed}`, "Connection: close"]),
          expect: [{ outcomes: ["accept"], appHost: allowed }],
        }
      : null,
});

export const SURFACE_PROBES: readonly ProbeDefinition[] = [publicControl, ...DISGUISES.map(disguised)];
