/** `edgebench conformance`: the simulated app against real Kestrel, every difference printed. */
import { runConformance } from "../../conformance/run-conformance.js";
import { conformanceCorpus } from "../../conformance/corpus.js";
import { DotnetMissingError, dotnetVersion } from "../../dotnet/build-cache.js";
import { formatConformance } from "../../reporters/conformance.js";
import { EXIT, type ExitCode } from "../exit-codes.js";

export async function conformanceCommand(options: { json?: boolean; only?: string }): Promise<ExitCode> {
  if (dotnetVersion() === null)
    throw Object.assign(new DotnetMissingError("edgebench conformance"), { code: "ERR_APP_RUNTIME" });
  const corpus = conformanceCorpus().filter((item) => !options.only || item.id.startsWith(options.only));
  const result = await runConformance({ corpus });
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatConformance(result));
  return result.differences.some((difference) => !difference.known) ? EXIT.failed : EXIT.passed;
}
