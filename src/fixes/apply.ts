/**
 * The user's files with every cause's change applied: the scenario (fields set through the YAML document, so its
 * comments stay) and the appsettings.json it names (edited as text). Nothing is written here.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { Cause } from "../results/causes.js";
import { setTopLevelString } from "./appsettings-edit.js";
import { editEngineConfig, type EngineName } from "./engine-config-edit.js";
import { assertParses } from "./plan.js";

export interface FixedFile {
  /** The user's file it replaces (absolute). */
  original: string;
  /** Its name in a folder of fixed files. */
  name: string;
  text: string;
}

export interface FixedFileOptions {
  /** The fixed files go to one folder: the scenario then names its appsettings copy by its bare name. */
  together: boolean;
  /** The user's own engine configuration the run used (the scenario's or --engine-config), to work the lines into. */
  engineConfig?: { engine: EngineName; path: string };
}

/** The scenario file and the appsettings and engine configuration files its causes change, with the changes made. */
export async function fixedFiles(
  scenarioFile: string,
  causes: readonly Cause[],
  options: FixedFileOptions,
): Promise<FixedFile[]> {
  const document = parseDocument(await readFile(scenarioFile, "utf8"));
  const settings = new Map<string, string>();
  for (const cause of causes) {
    for (const field of cause.change.scenario) document.setIn(field.path, field.value);
    const appsettings = cause.change.appsettings;
    if (!appsettings?.file) continue;
    let text = settings.get(appsettings.file) ?? (await readFile(appsettings.file, "utf8"));
    for (const [key, value] of Object.entries(appsettings.add)) text = setTopLevelString(text, key, value);
    assertParses(text, appsettings.file);
    settings.set(appsettings.file, text);
  }
  const engine = options.engineConfig;
  if (engine) {
    const original = await readFile(engine.path, "utf8");
    const text = causes.reduce(
      (current, cause) => editEngineConfig(engine.engine, current, cause.change) ?? current,
      original,
    );
    if (text !== original) settings.set(resolve(engine.path), text);
  }
  if (options.together) await copyNamedSettings(document, scenarioFile, settings);
  const scenario: FixedFile = {
    original: resolve(scenarioFile),
    name: basename(scenarioFile),
    text: document.toString({ lineWidth: 0, flowCollectionPadding: false }),
  };
  const others = [...settings].map(([file, text]) => ({ original: file, name: basename(file), text }));
  // In place, a scenario no field of which changes is left as the user wrote it.
  const touched = options.together || causes.some((cause) => cause.change.scenario.length > 0);
  return touched ? [scenario, ...others] : others;
}

/** Every file the scenario names (appsettings, an engine configuration) goes along, by its bare name beside it. */
async function copyNamedSettings(
  document: ReturnType<typeof parseDocument>,
  scenarioFile: string,
  files: Map<string, string>,
): Promise<void> {
  const apps = document.get("apps");
  const count = apps && typeof apps === "object" && "items" in apps ? (apps.items as unknown[]).length : 0;
  const fields = [...Array.from({ length: count }, (_, i) => ["apps", i, "appsettings"]), ["proxy", "engineConfig"]];
  for (const field of fields) {
    const named = document.getIn(field);
    if (typeof named !== "string") continue;
    const path = resolve(dirname(scenarioFile), named);
    if (!files.has(path)) files.set(path, await readFile(path, "utf8"));
    if (named !== basename(path)) document.setIn(field, basename(path));
  }
}
