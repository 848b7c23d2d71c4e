/** `edgebench list-probes`: the catalog, as a table or as JSON. */
import { PROBE_CATALOG } from "../../runners/probes/catalog/index.js";
import { table } from "../../reporters/format.js";
import { EXIT, type ExitCode } from "../exit-codes.js";

export function listProbesCommand(options: { json?: boolean }): ExitCode {
  if (options.json) {
    const probes = PROBE_CATALOG.map(({ id, title, category, reference, why, bypass }) => ({ id, title, category, reference, why, bypass: bypass ?? false }));
    process.stdout.write(`${JSON.stringify(probes, null, 2)}\n`);
  } else {
    const rows = [["id", "category", "title", "reference"], ...PROBE_CATALOG.map((p) => [p.id, p.category, p.title, p.reference])];
    process.stdout.write(`${table(rows).join("\n")}\n`);
  }
  return EXIT.passed;
}
