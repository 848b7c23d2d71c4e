/** The probe registry: every probe in catalog order (docs/probes.md). A new probe is one file plus one line here. */
import type { ProbeDefinition } from "../types.js";
import missingHostHttp11 from "./missing-host-http11.js";
import emptyHost from "./empty-host.js";
import duplicateHostIdentical from "./duplicate-host-identical.js";
import duplicateHostAllowedFirst from "./duplicate-host-allowed-first.js";
import duplicateHostEvilFirst from "./duplicate-host-evil-first.js";
import spaceBeforeColon from "./space-before-colon.js";
import obsFoldHostValue from "./obs-fold-host-value.js";
import indentedFirstHeader from "./indented-first-header.js";
import http10NoHost from "./http10-no-host.js";
import absoluteFormHostMismatch from "./absolute-form-host-mismatch.js";
import absoluteFormTargetDisallowed from "./absolute-form-target-disallowed.js";
import absoluteFormHttpsCleartext from "./absolute-form-https-cleartext.js";
import authorityFormNonConnect from "./authority-form-non-connect.js";
import allowedExact from "./allowed-exact.js";
import allowedWildcardLabel from "./allowed-wildcard-label.js";
import arbitraryHost from "./arbitrary-host.js";
import wildcardApex from "./wildcard-apex.js";
import wildcardMultiLabel from "./wildcard-multi-label.js";
import suffixNoDotBoundary from "./suffix-no-dot-boundary.js";
import allowedAsPrefix from "./allowed-as-prefix.js";
import allowedAsSubstring from "./allowed-as-substring.js";
import uppercaseHost from "./uppercase-host.js";
import trailingDot from "./trailing-dot.js";
import portNonstandard from "./port-nonstandard.js";
import portEmpty from "./port-empty.js";
import localhostHost from "./localhost-host.js";
import privateIpv4Host from "./private-ipv4-host.js";
import ipv6LiteralHost from "./ipv6-literal-host.js";
import xfhOverride from "./xfh-override.js";
import xHostFamilyOverride from "./x-host-family-override.js";
import forwardedHostOverride from "./forwarded-host-override.js";
import xffSpoof from "./xff-spoof.js";
import xfpSpoof from "./xfp-spoof.js";
import underscoreXfh from "./underscore-xfh.js";
import disallowedHostAllowedXfh from "./disallowed-host-allowed-xfh.js";
import portNonnumeric from "./port-nonnumeric.js";
import portAtInjection from "./port-at-injection.js";
import userinfoInHost from "./userinfo-in-host.js";
import nulInHost from "./nul-in-host.js";
import bareLfDuplicateHost from "./bare-lf-duplicate-host.js";
import malformedRequestLineAt from "./malformed-request-line-at.js";
import connectionStateReuse from "./connection-state-reuse.js";
import connectionStateKeepalive from "./connection-state-keepalive.js";
import veryLongHost10k from "./very-long-host-10k.js";
import slowHeaders from "./slow-headers.js";
import hostWithSlash from "./host-with-slash.js";
import hostWithSpace from "./host-with-space.js";
import hostCommaList from "./host-comma-list.js";
import nonAsciiHost from "./non-ascii-host.js";
import underscoreLabel from "./underscore-label.js";
import percentEncodedHost from "./percent-encoded-host.js";
import ipv6Unbracketed from "./ipv6-unbracketed.js";
import { SURFACE_PROBES } from "./surface.js";
import { H2_DOWNGRADE_PROBES } from "./h2-downgrade.js";

export const PROBE_CATALOG: readonly ProbeDefinition[] = Object.freeze([
  missingHostHttp11,
  emptyHost,
  duplicateHostIdentical,
  duplicateHostAllowedFirst,
  duplicateHostEvilFirst,
  spaceBeforeColon,
  obsFoldHostValue,
  indentedFirstHeader,
  http10NoHost,
  absoluteFormHostMismatch,
  absoluteFormTargetDisallowed,
  absoluteFormHttpsCleartext,
  authorityFormNonConnect,
  allowedExact,
  allowedWildcardLabel,
  arbitraryHost,
  wildcardApex,
  wildcardMultiLabel,
  suffixNoDotBoundary,
  allowedAsPrefix,
  allowedAsSubstring,
  uppercaseHost,
  trailingDot,
  portNonstandard,
  portEmpty,
  localhostHost,
  privateIpv4Host,
  ipv6LiteralHost,
  xfhOverride,
  xHostFamilyOverride,
  forwardedHostOverride,
  xffSpoof,
  xfpSpoof,
  underscoreXfh,
  disallowedHostAllowedXfh,
  portNonnumeric,
  portAtInjection,
  userinfoInHost,
  nulInHost,
  bareLfDuplicateHost,
  malformedRequestLineAt,
  connectionStateReuse,
  connectionStateKeepalive,
  veryLongHost10k,
  hostWithSlash,
  hostWithSpace,
  hostCommaList,
  nonAsciiHost,
  underscoreLabel,
  percentEncodedHost,
  ipv6Unbracketed,
  ...SURFACE_PROBES,
  slowHeaders,
  ...H2_DOWNGRADE_PROBES,
]);
