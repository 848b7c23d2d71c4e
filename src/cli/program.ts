/** The command line: parses arguments with commander and calls the library. Nothing else happens here. */
import { Command, InvalidArgumentError, Option } from "commander";
import { REPORTER_NAMES } from "../reporters/names.js";
import { ROUND_DURATION_LIMITS, WARMUP_LIMITS } from "../scenario/schema.js";
import { parseDuration } from "../scenario/spec.js";
import { VERSION } from "../version.js";
import type { ExecuteOptions } from "./commands/execute.js";
import type { ExitCode } from "./exit-codes.js";
import type { CliIo } from "./io.js";

// Commands load their modules when they run, so `--help` and `--version` start as fast as Node itself allows.
const execute = async (
  ...args: Parameters<typeof import("./commands/execute.js").executeScenarios>
): Promise<ExitCode> => (await import("./commands/execute.js")).executeScenarios(...args);

/** A duration flag with the limits the scenario file's field has. */
function durationOption(limits: { minimumMs: number; maximumMs: number }): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === null) throw new InvalidArgumentError("expected a duration such as 500ms, 2s or 1m");
    if (ms < limits.minimumMs || ms > limits.maximumMs) {
      throw new InvalidArgumentError(
        `expected a duration from ${limits.minimumMs} ms to ${limits.maximumMs} ms, found ${ms} ms`,
      );
    }
    return ms;
  };
}

/** A repeatable, comma-separated list option (variadic options would swallow the scenario files after them). */
function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}

function percentOption(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError("expected a percentage such as 10%");
  return Number(match[1]) / 100;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return number;
}

type CommandOptions = ExecuteOptions;

const repeat = (value: string, previous: string[]): string[] => [...previous, value];

/** Running deployments given by URL, instead of the ones a scenario starts. */
const DEPLOYMENT_HELP =
  "a deployment already running, repeatable: edge=http://127.0.0.1:5000, proxied=http://127.0.0.1:8080 " +
  "(paired rounds; the scenario gives load, policy and thresholds)";

function addRunOptions(command: Command, withLoad: boolean): Command {
  addReportOptions(command);
  addProbeSelectionOptions(command);
  addDeploymentOptions(command);
  if (withLoad) addLoadOptions(command);
  return command;
}

function addReportOptions(command: Command): void {
  command
    .option(
      "-r, --reporter <names>",
      `report formats, comma-separated, each optionally name:file (${REPORTER_NAMES.join(", ")})`,
      "terminal",
    )
    .option("-o, --out <file>", "write the report to a file (atomically) instead of stdout")
    .option("-q, --quiet", "no progress on stderr")
    .option(
      "-v, --verbose",
      "terminal: every probe's row and every failure's explanation (default: one line per category, failures by cause)",
    )
    .option(
      "-t, --threshold <expression>",
      "a condition the run must meet, repeatable: 'overhead.p99 < 2ms', 'proxied.rps > 10k', 'probes.failed == 0'",
      (value: string, previous: string[]) => [...previous, value],
      [],
    );
}

function addProbeSelectionOptions(command: Command): void {
  command
    .option("--probe <ids>", "only these probes, comma-separated or repeated (see list-probes)", collect, [])
    .option("--skip-probe <ids>", "not these probes", collect, [])
    .option(
      "--category <names>",
      "only these probe categories: rfc-conformance, allowlist, spoofing, smuggling-adjacent, robustness",
      collect,
      [],
    )
    .addOption(
      new Option("--profile <name>", "rules where the RFCs leave a choice (replaces the scenario's)").choices([
        "aspnetcore",
        "strict",
      ]),
    );
}

/** Which deployments a scenario becomes: engines, their profiles and configuration, the reference, the app runtime. */
function addDeploymentOptions(command: Command): void {
  command
    .option(
      "--engine <names>",
      "a proxied deployment per engine, all in one set of rounds: builtin, nginx, haproxy, caddy, yarp (comma-separated)",
    )
    .option(
      "--engine-profile <names>",
      "generated engine configurations, each a deployment: typical, hardened (see README)",
    )
    .option(
      "--frontend <names>",
      "what clients speak to each proxy, each a deployment in the same rounds: http1, h2, both",
    )
    .option(
      "--reference <deployment>",
      "the proxy the others are given as ratios to (engine or deployment name; default nginx when present)",
    )
    .option(
      "--engine-config <file>",
      "your own nginx/HAProxy/Caddy configuration, with {{LISTEN}} and {{UPSTREAM_0}} placeholders (see README)",
    )
    .addOption(
      new Option(
        "--app-runtime <name>",
        "which server answers for every app: the simulation or the bundled real ASP.NET Core app (needs dotnet)",
      ).choices(["simulated", "kestrel"]),
    );
}

function addLoadOptions(command: Command): void {
  command
    .option(
      "-d, --duration <time>",
      "length of each measured round per topology (overrides the scenario)",
      durationOption(ROUND_DURATION_LIMITS),
    )
    .option("-w, --warmup <time>", "unmeasured load per topology first", durationOption(WARMUP_LIMITS))
    .option("--rounds <n>", "measured rounds", positiveInteger)
    .option("-c, --connections <n>", "concurrent connections", positiveInteger)
    .option(
      "--rate <n>",
      "open model at this many requests per second (latency measured from each planned send)",
      positiveInteger,
    );
}

function integerOption(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError("expected a whole number");
  return number;
}

/** Builds the program; `done` receives each command's exit code. */
export function buildProgram(done: (code: ExitCode) => void, io: CliIo): Command {
  const program = new Command("edgebench")
    // Set first: subcommands copy it when they are created.
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .description(
      "What does a reverse proxy cost, and is Host filtering right? Edge vs proxied load and Host-header probes from scenario files.",
    )
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Exit codes: 0 passed, 1 a probe or threshold failed, 2 usage or scenario error, 70 a bug in edgebench, 130 interrupted.

Examples:
  $ edgebench run                              # the bundled default scenario
  $ edgebench run scenarios/allowed-hosts-star.yaml --reporter json --out run.json
  $ edgebench probe scenarios/*.yaml           # CI gate: exit 1 on a failed probe
  $ edgebench probe scenarios/*.yaml --reporter terminal,junit:probes.xml,markdown:summary.md
  $ edgebench validate scenarios/*.yaml`,
    );

  addRunCommand(program, done, io);
  addProbeCommand(program, done, io);
  addBenchCommand(program, done, io);
  addFixCommand(program, done, io);
  addCompareCommand(program, done, io);
  addReportCommand(program, done, io);
  addExportCommand(program, done, io);
  addImportCommand(program, done, io);
  addMergeCommand(program, done, io);
  addInitCommand(program, done, io);
  addValidateCommand(program, done, io);
  addConformanceCommand(program, done, io);
  addListProbesCommand(program, done, io);
  return program;
}

function addExportCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("export")
    .description(
      "write the scenario's load for Artillery or k6, aimed at named deployments, rounds shuffled and paired",
    )
    .argument("[scenario]", "scenario file; default scenarios/default.yaml")
    .addOption(new Option("--to <engine>", "the load engine").choices(["artillery", "k6"]).makeOptionMandatory())
    .option(
      "--deployment <name=url>",
      "a deployment to load, repeatable: edge=http://127.0.0.1:8080 (edge and proxied give a paired overhead)",
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option("--allow-remote", "allow deployments that are not on loopback (only deployments you own)")
    .option("--out-dir <dir>", "where to write the files", ".")
    .option("--seed <n>", "seed of the per-round order (default: from the scenario's name)", integerOption)
    .option(
      "-d, --duration <time>",
      "each measured phase (overrides the scenario)",
      durationOption(ROUND_DURATION_LIMITS),
    )
    .option("-w, --warmup <time>", "warm-up phase per deployment", durationOption(WARMUP_LIMITS))
    .option("--rounds <n>", "measured rounds", positiveInteger)
    .option("-c, --connections <n>", "virtual users (closed model) or connections (open model)", positiveInteger)
    .option("--rate <n>", "open model at this many requests per second per generator", positiveInteger)
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench export --to artillery --deployment edge=http://127.0.0.1:5000 --deployment proxied=http://127.0.0.1:8080 --rate 500\n  $ artillery run --output report.json default.artillery.yml && edgebench import report.json",
    )
    .action(async (file: string | undefined, options: import("./commands/export.js").ExportOptions) =>
      done(await (await import("./commands/export.js")).exportCommand(file, options, io)),
    );
}

function addImportCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("import")
    .description(
      "read Artillery's JSON report or k6's --out json output of an exported scenario as an edgebench result",
    )
    .argument("<file>", "artillery run --output FILE, or k6 run --out json=FILE")
    .option(
      "-s, --scenario <file>",
      "the scenario it was exported from (name, policy, thresholds); default scenarios/default.yaml",
    )
    .option(
      "-r, --reporter <names>",
      `one or more of ${REPORTER_NAMES.join(", ")}, each as name or name:path`,
      "terminal",
    )
    .option("-o, --out <file>", "write reporters without a path here (atomically) instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench import report.json --scenario my.yaml -r terminal,json:imported.json",
    )
    .action(async (file: string, options: { scenario?: string; reporter: string; out?: string }) =>
      done(await (await import("./commands/import.js")).importCommand(file, options, io)),
    );
}

function addMergeCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("merge")
    .description(
      "merge saved JSON results of several runners (sharded probe runs, load from several generators) into one per scenario",
    )
    .argument("<result...>", "saved JSON reports (--reporter json:FILE)")
    .option("-o, --out <file>", "write the merged JSON here (atomically) instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench merge shard-*.json -o probes.json && edgebench report probes.json -r junit:probes.xml",
    )
    .action(async (files: string[], options: { out?: string }) =>
      done(await (await import("./commands/merge.js")).mergeCommand(files, options, io)),
    );
}

function addRunCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  addRunOptions(
    program
      .command("run")
      .description(
        "start edge and proxied topologies, run load and Host probes against both, print a comparative report",
      )
      .argument("[scenario...]", "scenario files (YAML or JSON); default scenarios/default.yaml"),
    true,
  )
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench run\n  $ edgebench run scenarios/default.yaml --rounds 5 --duration 3s\n  $ edgebench run my.yaml -r json -o result.json\n" +
        "  $ edgebench run --threshold 'overhead.p99 < 5ms' --threshold 'probes.failed == 0'",
    )
    .option("--allow-remote", "with apps[].url: allow an app that is not on loopback (only one you own)")
    .action(async (files: string[], options: CommandOptions) =>
      done(await execute(files, { load: true, probes: true }, options, io)),
    );
}

function addProbeCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  addRunOptions(
    program
      .command("probe")
      .description("send the Host-header probe catalog to every topology and grade the answers (no load)")
      .argument("[scenario...]", "scenario files; default scenarios/default.yaml"),
    false,
  )
    .option("--target <url>", "probe an app or proxy already running on loopback (graded on the wire alone)")
    .option("--allowed-hosts <hosts>", "with --target: the public hosts it must serve, comma-separated")
    .option(
      "--appsettings <file>",
      "with --target: read the public hosts from an ASP.NET Core appsettings.json (AllowedHosts)",
    )
    .option("--app-record <file>", "with --target: the file its app records probe requests in (EDGEBENCH_APP_RECORD)")
    .option(
      "--allow-remote",
      "with --target, --deployment or apps[].url: allow addresses off loopback (only a deployment you own)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench probe\n  $ edgebench probe scenarios/*.yaml --reporter json --out probes.json\n" +
        "  $ edgebench probe --category spoofing --profile strict\n" +
        "  $ edgebench probe --target http://127.0.0.1:5000 --allowed-hosts app.example.com,*.tenant.example.com\n" +
        "  $ edgebench probe --target http://127.0.0.1:5000 --appsettings appsettings.Production.json\n" +
        "  $ edgebench probe my.yaml --deployment edge=http://127.0.0.1:5000 --deployment proxied=http://127.0.0.1:8080",
    )
    .option("--deployment <name=url>", DEPLOYMENT_HELP, repeat, [])
    .action(async (files: string[], options: CommandOptions) =>
      done(await execute(files, { load: false, probes: true }, options, io)),
    );
}

function addBenchCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  addRunOptions(
    program
      .command("bench")
      .description("latency and throughput only: edge vs proxied in alternating rounds (no probes)")
      .argument("[scenario...]", "scenario files; default scenarios/default.yaml"),
    true,
  )
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench bench\n  $ edgebench bench scenarios/default.yaml --rounds 7 --connections 50\n" +
        "  $ edgebench bench my.yaml --deployment edge=http://127.0.0.1:5000 --deployment proxied=http://127.0.0.1:8080",
    )
    .option(
      "--allow-remote",
      "with --deployment or apps[].url: allow addresses off loopback (figures then include the network)",
    )
    .option("--deployment <name=url>", DEPLOYMENT_HELP, repeat, [])
    .action(async (files: string[], options: CommandOptions) =>
      done(await execute(files, { load: true, probes: false }, options, io)),
    );
}

function addFixCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("fix")
    .description("apply the change for each cause of failure to a copy, probe the copy again and show before → after")
    .argument("<scenario>", "the scenario file to fix (its appsettings.json and engine configuration come along)")
    .option("--write <dir>", "write the fixed scenario and appsettings.json into this folder")
    .option("--in-place", "replace your own files with the fixed ones")
    .option("--force", "with --write: replace files that already exist in the folder")
    .option("-v, --verbose", "every failure's explanation and every engine's lines")
    .option("--engine <name>", "prove the changes behind this proxy engine: builtin, nginx, haproxy, caddy, yarp")
    .option("--engine-config <file>", "your own configuration for that engine (see README)")
    .addOption(new Option("--profile <name>", "rules where the RFCs leave a choice").choices(["aspnetcore", "strict"]))
    .option("--probe <ids>", "only these probes", collect, [])
    .option("--skip-probe <ids>", "not these probes", collect, [])
    .option("--category <names>", "only these probe categories", collect, [])
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench fix scenarios/allowed-hosts-star.yaml\n  $ edgebench fix my.yaml --write fixed/\n  $ edgebench fix my.yaml --in-place",
    )
    .action(async (file: string, options: import("./commands/fix.js").FixCommandOptions) =>
      done(await (await import("./commands/fix.js")).fixCommand(file, options, io)),
    );
}

function addCompareCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("compare")
    .description("compare two saved JSON runs (--reporter json:FILE) of the same scenario: exit 1 on a regression")
    .argument("<baseline>", "the earlier run's JSON report")
    .argument("<current>", "the later run's JSON report")
    .addOption(new Option("-r, --reporter <name>", "output format").choices(["terminal", "json"]).default("terminal"))
    .option("--tolerance <percent>", "changes within this are not regressions (default 10%)", percentOption, 0.1)
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench bench -r json:baseline.json\n  $ edgebench bench -r json:current.json\n  $ edgebench compare baseline.json current.json --tolerance 5%",
    )
    .action(async (baseline: string, current: string, options: { reporter: string; tolerance: number }) =>
      done(await (await import("./commands/compare.js")).compareCommand(baseline, current, options, io)),
    );
}

function addReportCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("report")
    .description("render saved JSON results (--reporter json:FILE) again, in any form: terminal, markdown, junit, html")
    .argument("<result...>", "saved JSON reports")
    .option(
      "-r, --reporter <names>",
      `one or more of ${REPORTER_NAMES.join(", ")}, each as name or name:path`,
      "terminal",
    )
    .option("-o, --out <file>", "write reporters without a path here (atomically) instead of stdout")
    .option("-v, --verbose", "terminal: every probe's row and every failure's explanation")
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench run -r json:run.json\n  $ edgebench report run.json -r html:report.html,junit:probes.xml",
    )
    .action(async (files: string[], options: { reporter: string; out?: string; verbose?: boolean }) =>
      done(await (await import("./commands/report.js")).reportCommand(files, options, io)),
    );
}

function addInitCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("init")
    .description("write a commented starter scenario")
    .argument("[file]", "where to write it", "edgebench.yaml")
    .option(
      "--allowed-hosts <hosts>",
      "the app's public hosts, comma-separated",
      "app.example.com,*.tenant.example.com",
    )
    .option("--no-forwarded-headers", "the app does not take X-Forwarded-For/-Proto from its proxy")
    .option("--force", "replace an existing file")
    .addHelpText(
      "after",
      "\nExamples:\n  $ edgebench init\n  $ edgebench init shop.yaml --allowed-hosts shop.example.com,www.shop.example.com",
    )
    .action(async (file: string, options: { allowedHosts: string; forwardedHeaders?: boolean; force?: boolean }) =>
      done(await (await import("./commands/init.js")).initCommand(file, options, io)),
    );
}

function addValidateCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("validate")
    .description("check scenario files and report every problem with file, line and field")
    .argument("[scenario...]", "scenario files; default scenarios/default.yaml")
    .addHelpText("after", "\nExamples:\n  $ edgebench validate scenarios/*.yaml")
    .action(async (files: string[]) => done(await (await import("./commands/validate.js")).validateCommand(files, io)));
}

function addConformanceCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("conformance")
    .description(
      "send the probe catalog and a corpus of raw requests to the simulated app and to real Kestrel (needs dotnet): every difference",
    )
    .option("--json", "as JSON")
    .option("--only <prefix>", "only the cases whose id starts with this (an option set: filtered/, xf-limit0/, …)")
    .addHelpText("after", "\nExamples:\n  $ edgebench conformance\n  $ edgebench conformance --only xf- --json")
    .action(async (options: { json?: boolean; only?: string }) =>
      done(await (await import("./commands/conformance.js")).conformanceCommand(options, io)),
    );
}

function addListProbesCommand(program: Command, done: (code: ExitCode) => void, io: CliIo): void {
  program
    .command("list-probes")
    .description("print the Host-header probe catalog")
    .option("--json", "as JSON")
    .addHelpText("after", "\nExamples:\n  $ edgebench list-probes\n  $ edgebench list-probes --json")
    .action(async (options: { json?: boolean }) =>
      done((await import("./commands/list-probes.js")).listProbesCommand(options, io)),
    );
}
