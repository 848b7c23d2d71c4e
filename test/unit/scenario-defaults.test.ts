import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Node } from "yaml";
import { scenarioJsonSchema } from "../../src/scenario/json-schema.js";
import { appSpec, DIRECTION_FIELDS, loadSpec, proxySpec, scenarioSpec } from "../../src/scenario/schema.js";
import { defaultPhrase, defaultsOf, describeField, type FieldSpec } from "../../src/scenario/spec.js";
import { validateNode, type ValidationContext } from "../../src/scenario/validate.js";
import { ROOT } from "../helpers/paths.js";

/** Every field of the table with its path: `apps[].port`, `proxy.upstreamTimeout`. */
function* fieldsOf(spec: FieldSpec, path = ""): Generator<[string, FieldSpec]> {
  if (path) yield [path, spec];
  if (spec.type === "object") {
    for (const [name, field] of Object.entries(spec.fields)) yield* fieldsOf(field, path ? `${path}.${name}` : name);
  } else if (spec.type === "array" || spec.type === "stringOrList") yield* fieldsOf(spec.items, `${path}[]`);
}

/** The problems a value has as the field's value in a scenario file (none: the validator takes it as it is). */
function problemsOf(spec: FieldSpec, value: unknown, path: string): string[] {
  const lineCounter = new LineCounter();
  const context: ValidationContext = { file: "default", lineCounter, issues: [], positions: new Map() };
  const document = parseDocument(stringify(value), { lineCounter });
  validateNode(context, spec, document.contents as Node, path, { line: 1, column: 1 });
  return context.issues.map((issue) => issue.message);
}

describe("field defaults", () => {
  it("are values the field itself accepts, in the scenario file's form", () => {
    let literals = 0;
    for (const [path, spec] of fieldsOf(scenarioSpec)) {
      if (spec.default === undefined) continue;
      literals++;
      assert.deepEqual(problemsOf(spec, spec.default, path), [], path);
    }
    assert.ok(literals >= 40, `only ${literals} literal defaults found`);
  });

  it("are said by the table alone: no description types its default", () => {
    for (const [path, spec] of fieldsOf(scenarioSpec)) {
      assert.doesNotMatch(spec.description, /\(default\b|\bdefault:|\bDefault\b/, path);
    }
  });

  it("resolve durations to milliseconds and lists to copies the Scenario owns", () => {
    const proxy = defaultsOf(proxySpec.fields);
    assert.equal(proxy.upstreamTimeout, 30_000);
    assert.equal(proxy.headerTimeout, 60_000);
    assert.equal(proxy.engine, "builtin");
    assert.equal(defaultsOf(DIRECTION_FIELDS).latency, 0);
    const topologies = defaultsOf(scenarioSpec.fields).topologies;
    topologies.pop();
    assert.deepEqual(defaultsOf(scenarioSpec.fields).topologies, ["edge", "proxied"]);
    // A misspelled field, or one whose default is computed in code, is not a key: the build fails.
    // @ts-expect-error no such field
    assert.equal(proxy.upstreamTimeOut, undefined);
    // @ts-expect-error a port's default is computed (an ephemeral port), not a literal
    assert.equal(defaultsOf(appSpec.fields).port, undefined);
  });

  it("reach the JSON Schema as `default` and as the description's last sentence", () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, { properties: Record<string, unknown> }> };
    assert.deepEqual(schema.properties.load!.properties.duration, {
      ...(schema.properties.load!.properties.duration as object),
      default: "2s",
      description: "Length of each measured round per topology. Default 2s.",
    });
    assert.equal(
      describeField(loadSpec.fields.host),
      "Host header of the load. Default: the first exact host of the policy.",
    );
    assert.equal(describeField(proxySpec.fields.maxRequestBodyBytes), "Larger request bodies get 413. Default 10 MiB.");
    assert.equal(defaultPhrase(appSpec.fields.allowedHosts), "default `*`: filtering off");
    assert.equal(defaultPhrase(appSpec.fields.knownProxies), "default ['::1']");
  });
});

/** The spec of a path in the table, following lists through their items. */
function specAt(path: string[]): FieldSpec | undefined {
  let spec: FieldSpec | undefined = scenarioSpec;
  for (const name of path) {
    while (spec && (spec.type === "array" || spec.type === "stringOrList")) spec = spec.items;
    spec = spec?.type === "object" ? spec.fields[name] : undefined;
  }
  return spec;
}

/** Each field of a YAML example whose line comment mentions a default, with that comment. */
function* commentedDefaults(node: unknown, path: string[] = []): Generator<[string[], string]> {
  if (isSeq(node)) for (const item of node.items) yield* commentedDefaults(item, path);
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const key = [...path, String((pair.key as { value: unknown }).value)];
    const value = pair.value as Node & { comment?: string | null };
    if ((isScalar(value) || ((isMap(value) || isSeq(value)) && value.flow)) && /\bdefault\b/.test(value.comment ?? ""))
      yield [key, value.comment!];
    yield* commentedDefaults(value, key);
  }
}

describe("docs/scenarios.md", () => {
  it("says a field's default, where a comment names one, as the field table does", () => {
    const text = readFileSync(`${ROOT}docs/scenarios.md`, "utf8");
    const example = /```yaml\n([\s\S]*?)```/.exec(text)![1]!;
    const commented = [...commentedDefaults(parseDocument(example).contents)];
    assert.equal(commented.length, example.split("\n").filter((line) => /#.*\bdefault\b/.test(line)).length);
    for (const [path, comment] of commented) {
      const spec = specAt(path);
      const phrase = spec && defaultPhrase(spec);
      assert.ok(phrase, `${path.join(".")}: the table gives no default, the comment names one: ${comment}`);
      assert.ok(comment.includes(phrase), `${path.join(".")}: the comment "${comment}" does not say "${phrase}"`);
    }
  });
});
