// Regenerates docs/probes.md from the probe catalog (run through `npm run docs`, which builds first).
import { writeFileSync } from "node:fs";
import { PROBE_CATALOG } from "../dist/src/runners/probes/catalog/index.js";
import { ASPNETCORE_KNOBS } from "../dist/src/runners/probes/types.js";
import { renderProbeCatalog } from "../dist/src/reporters/probe-catalog.js";

writeFileSync(new URL("../docs/probes.md", import.meta.url), renderProbeCatalog(PROBE_CATALOG, ASPNETCORE_KNOBS));
