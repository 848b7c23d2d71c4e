/** The probe registry: every probe in the catalog, in catalog order. A new probe is one file plus one line here. */
import type { ProbeDefinition } from "../types.js";
import missingHostHttp11 from "./missing-host-http11.js";
import emptyHost from "./empty-host.js";
import duplicateHostIdentical from "./duplicate-host-identical.js";
import duplicateHostAllowedFirst from "./duplicate-host-allowed-first.js";
import duplicateHostEvilFirst from "./duplicate-host-evil-first.js";
import spaceBeforeColon from "./space-before-colon.js";
import obsFoldHostValue from "./obs-fold-host-value.js";
import http10NoHost from "./http10-no-host.js";
import absoluteFormHostMismatch from "./absolute-form-host-mismatch.js";
import absoluteFormTargetDisallowed from "./absolute-form-target-disallowed.js";
import allowedExact from "./allowed-exact.js";
import allowedWildcardLabel from "./allowed-wildcard-label.js";
import arbitraryHost from "./arbitrary-host.js";
import wildcardApex from "./wildcard-apex.js";
import suffixNoDotBoundary from "./suffix-no-dot-boundary.js";
import allowedAsPrefix from "./allowed-as-prefix.js";
import allowedAsSubstring from "./allowed-as-substring.js";
import localhostHost from "./localhost-host.js";
import xfhOverride from "./xfh-override.js";
import xffSpoof from "./xff-spoof.js";
import xfpSpoof from "./xfp-spoof.js";
import disallowedHostAllowedXfh from "./disallowed-host-allowed-xfh.js";
import portNonnumeric from "./port-nonnumeric.js";
import bareLfDuplicateHost from "./bare-lf-duplicate-host.js";
import connectionStateReuse from "./connection-state-reuse.js";
import hostWithSlash from "./host-with-slash.js";
import ipv6Unbracketed from "./ipv6-unbracketed.js";

export const PROBE_CATALOG: readonly ProbeDefinition[] = Object.freeze([
  missingHostHttp11,
  emptyHost,
  duplicateHostIdentical,
  duplicateHostAllowedFirst,
  duplicateHostEvilFirst,
  spaceBeforeColon,
  obsFoldHostValue,
  http10NoHost,
  absoluteFormHostMismatch,
  absoluteFormTargetDisallowed,
  allowedExact,
  allowedWildcardLabel,
  arbitraryHost,
  wildcardApex,
  suffixNoDotBoundary,
  allowedAsPrefix,
  allowedAsSubstring,
  localhostHost,
  xfhOverride,
  xffSpoof,
  xfpSpoof,
  disallowedHostAllowedXfh,
  portNonnumeric,
  bareLfDuplicateHost,
  connectionStateReuse,
  hostWithSlash,
  ipv6Unbracketed,
]);
