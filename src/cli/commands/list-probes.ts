/** `edgebench list-probes`: the catalog, as a table or as JSON. */
import { PROBE_CATALOG } from "../../runners/probes/catalog/index.js";
import { table } from "../../reporters/format.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";

export function listProbesCommand(options: { json?: boolean }, io: CliIo): ExitCode {
  if (options.json) {
    const probes = PROBE_CATALOG.map(({ id, title, category, reference, why, bypass }) => ({
      id,
      title,
      category,
      reference,
      why,
      bypass: bypass ?? false,
    }));
    io.stdout.write(`${JSON.stringify(probes, null, 2)}\n`);
  } else {
    const rows = [
      ["id", "category", "title", "reference"],
      ...PROBE_CATALOG.map((p) => [p.id, p.category, p.title, p.reference]),
    ];
    io.stdout.write(`${table(rows).join("\n")}\n`);
  }
  return EXIT.passed;
}
