/**
 * Checks a parsed YAML/JSON document against a field spec, collecting every problem with its line and column, and
 * returns the plain value (durations in milliseconds, host strings split into lists).
 */
import { isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { ScenarioIssue } from "./issues.js";
import { parseDuration, parseSize, type FieldSpec } from "./spec.js";
import { suggest } from "../support/suggest.js";

export interface Located {
  line: number;
  column: number;
}

export interface ValidationContext {
  file: string;
  lineCounter: LineCounter;
  issues: ScenarioIssue[];
  /** Where each field path was found, for checks made after this pass. */
  positions: Map<string, Located>;
}

function describeFound(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return `${typeof value} ${String(value)}`;
}

export function positionOf(context: ValidationContext, node: Node | null | undefined): Located {
  const offset = node?.range ? node.range[0] : 0;
  const { line, col } = context.lineCounter.linePos(offset);
  return { line, column: col };
}

export function addIssue(context: ValidationContext, where: Located, path: string, message: string): void {
  context.issues.push({ file: context.file, line: where.line, column: where.column, path, message });
}

const INVALID = Symbol("invalid");
type Result = unknown | typeof INVALID;

function scalarValue(node: Node): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** Validates `node` against `spec`; returns the converted value or INVALID (issues are recorded). */
export function validateNode(
  context: ValidationContext,
  spec: FieldSpec,
  node: Node | null | undefined,
  path: string,
  fallback: Located,
): Result {
  const where = node ? positionOf(context, node) : fallback;
  context.positions.set(path, where);
  if (node && isAlias(node)) {
    addIssue(context, where, path, "aliases are not supported in scenario files");
    return INVALID;
  }
  const isNullNode = !node || (isScalar(node) && node.value === null);
  if (isNullNode) {
    if (spec.nullable) return null;
    addIssue(context, where, path, `expected ${expectation(spec)}, found nothing (null)`);
    return INVALID;
  }
  const fail = (found: unknown, detail?: string): typeof INVALID => {
    addIssue(
      context,
      where,
      path,
      `expected ${expectation(spec)}, found ${describeFound(found)}${detail ? ` (${detail})` : ""}`,
    );
    return INVALID;
  };

  switch (spec.type) {
    case "object":
      return validateObject(context, spec, node, path, where, fail);
    case "array":
      return validateArray(context, spec, node, path, where, fail);
    case "stringOrList":
      return validateStringOrList(context, spec, node, path, where, fail);
    default:
      return validateScalar(spec, node, fail);
  }
}

type Fail = (found: unknown, detail?: string) => typeof INVALID;
type SpecOf<T extends FieldSpec["type"]> = Extract<FieldSpec, { type: T }>;

function validateObject(
  context: ValidationContext,
  spec: SpecOf<"object">,
  node: Node,
  path: string,
  where: Located,
  fail: Fail,
): Result {
  if (!isMap(node)) return fail(isSeq(node) ? [] : scalarValue(node));
  const value: Record<string, unknown> = {};
  const seen = new Set<string>();
  let ok = true;
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null;
    const key = keyNode && isScalar(keyNode) ? String(keyNode.value) : null;
    const keyWhere = positionOf(context, keyNode);
    if (key === null) {
      addIssue(context, keyWhere, path, "expected a field name");
      ok = false;
      continue;
    }
    const childPath = path ? `${path}.${key}` : key;
    // Own fields only: `__proto__`, `toString` and the like are names of every object's prototype, not fields.
    const childSpec = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
    if (!childSpec) {
      const hint = suggest(key, Object.keys(spec.fields));
      addIssue(
        context,
        keyWhere,
        childPath,
        `unknown field${hint ? ` (did you mean '${hint}'?)` : ""}; allowed: ${Object.keys(spec.fields)
          .filter((f) => f !== "$schema")
          .join(", ")}`,
      );
      ok = false;
      continue;
    }
    seen.add(key);
    const child = validateNode(context, childSpec, pair.value as Node | null, childPath, keyWhere);
    if (child === INVALID) ok = false;
    else value[key] = child;
  }
  for (const required of spec.required ?? []) {
    if (!seen.has(required)) {
      addIssue(
        context,
        where,
        path ? `${path}.${required}` : required,
        `required field is missing (${spec.fields[required]!.description})`,
      );
      ok = false;
    }
  }
  return ok ? value : INVALID;
}

function validateArray(
  context: ValidationContext,
  spec: SpecOf<"array">,
  node: Node,
  path: string,
  where: Located,
  fail: Fail,
): Result {
  if (!isSeq(node)) return fail(isMap(node) ? {} : scalarValue(node));
  const values: unknown[] = [];
  let ok = true;
  node.items.forEach((item, index) => {
    const child = validateNode(context, spec.items, item as Node | null, `${path}[${index}]`, where);
    if (child === INVALID) ok = false;
    else values.push(child);
  });
  if (ok && spec.minItems !== undefined && values.length < spec.minItems) {
    addIssue(context, where, path, `expected at least ${spec.minItems} item(s), found ${values.length}`);
    ok = false;
  }
  if (ok && spec.unique && new Set(values.map((v) => JSON.stringify(v))).size !== values.length) {
    addIssue(context, where, path, "expected each item once, found duplicates");
    ok = false;
  }
  return ok ? values : INVALID;
}

/** A list written as a YAML sequence or as one separated string: each item checked where it stands. */
function validateStringOrList(
  context: ValidationContext,
  spec: SpecOf<"stringOrList">,
  node: Node,
  path: string,
  where: Located,
  fail: Fail,
): Result {
  let items: Array<{ value: unknown; where: Located; path: string }>;
  if (isSeq(node)) {
    items = node.items.map((item, index) => ({
      value: scalarValue(item as Node),
      where: positionOf(context, item as Node),
      path: `${path}[${index}]`,
    }));
  } else if (isScalar(node) && typeof node.value === "string") {
    items = node.value
      .split(spec.separator)
      .map((piece) => (spec.separator === "," ? piece.trim() : piece))
      .filter((piece) => piece.length > 0)
      .map((piece) => ({ value: piece, where, path }));
  } else return fail(isMap(node) ? {} : scalarValue(node));
  const values: string[] = [];
  for (const item of items) {
    const problem = stringProblem(spec.items, item.value);
    if (problem)
      addIssue(
        context,
        item.where,
        item.path,
        `expected ${expectation(spec.items)}, found ${describeFound(item.value)}${problem === true ? "" : ` (${problem})`}`,
      );
    else values.push(item.value as string);
  }
  return values.length === items.length ? values : INVALID;
}

function validateScalar(
  spec: SpecOf<"string" | "integer" | "number" | "boolean" | "duration" | "size">,
  node: Node,
  fail: Fail,
): Result {
  switch (spec.type) {
    case "string": {
      const value = scalarValue(node);
      const problem = stringProblem(spec, isMap(node) ? {} : isSeq(node) ? [] : value);
      if (problem) return fail(isMap(node) ? {} : isSeq(node) ? [] : value, problem === true ? undefined : problem);
      return value;
    }
    case "integer":
    case "number": {
      const value = scalarValue(node);
      if (
        typeof value !== "number" ||
        !Number.isFinite(value) ||
        (spec.type === "integer" && !Number.isInteger(value))
      ) {
        return fail(isMap(node) ? {} : isSeq(node) ? [] : value);
      }
      if (spec.minimum !== undefined && value < spec.minimum) return fail(value, `below ${spec.minimum}`);
      if (spec.maximum !== undefined && value > spec.maximum) return fail(value, `above ${spec.maximum}`);
      if ("exclusiveMinimum" in spec && spec.exclusiveMinimum !== undefined && value <= spec.exclusiveMinimum)
        return fail(value);
      return value;
    }
    case "boolean": {
      const value = scalarValue(node);
      if (typeof value !== "boolean") return fail(isMap(node) ? {} : isSeq(node) ? [] : value);
      return value;
    }
    case "duration": {
      const raw = scalarValue(node);
      const ms = parseDuration(raw);
      if (ms === null) return fail(isMap(node) ? {} : isSeq(node) ? [] : raw);
      if (spec.minimumMs !== undefined && ms < spec.minimumMs) return fail(raw, `shorter than ${spec.minimumMs} ms`);
      if (spec.maximumMs !== undefined && ms > spec.maximumMs) return fail(raw, `longer than ${spec.maximumMs} ms`);
      return ms;
    }
    case "size": {
      const raw = scalarValue(node);
      const bytes = parseSize(raw);
      if (bytes === null) return fail(isMap(node) ? {} : isSeq(node) ? [] : raw);
      if (bytes > spec.maximumBytes) return fail(raw, `above ${spec.maximumBytes} bytes`);
      return bytes;
    }
  }
}

/** Why `value` does not fit a string spec (true: not a string at all), or null when it fits. */
function stringProblem(spec: Extract<FieldSpec, { type: "string" }>, value: unknown): string | true | null {
  if (typeof value !== "string") return true;
  if (spec.enum && !spec.enum.includes(value)) {
    const hint = suggest(value, spec.enum);
    return hint ? `did you mean '${hint}'?` : true;
  }
  if (spec.minLength !== undefined && value.length < spec.minLength) return "empty";
  if (spec.syntax && !new RegExp(spec.syntax.pattern, "u").test(value)) return true;
  return null;
}

export function expectation(spec: FieldSpec): string {
  const orNull = spec.nullable ? " or null" : "";
  switch (spec.type) {
    case "string":
      return spec.enum ? `one of ${spec.enum.join(", ")}${orNull}` : `${spec.syntax?.name ?? "a string"}${orNull}`;
    case "integer":
      return `a whole number${spec.minimum !== undefined ? ` >= ${spec.minimum}` : ""}${spec.maximum !== undefined ? ` <= ${spec.maximum}` : ""}${orNull}`;
    case "number": {
      const above =
        spec.exclusiveMinimum !== undefined
          ? ` > ${spec.exclusiveMinimum}`
          : spec.minimum !== undefined
            ? ` >= ${spec.minimum}`
            : "";
      const below = spec.maximum !== undefined ? `${above ? " and" : ""} <= ${spec.maximum}` : "";
      return `a number${above}${below}${orNull}`;
    }
    case "boolean":
      return `true or false${orNull}`;
    case "duration":
      return `a duration such as 500ms, 2s or 1m${orNull}`;
    case "size":
      return `a size such as 512, 16KiB or 1MiB${orNull}`;
    case "array":
      return `a list of ${expectation(spec.items).replace(/^an? /, "")}s${orNull}`.replace(/ss$/, "s");
    case "stringOrList":
      return `a list (or a '${spec.separator}'-separated string) of ${expectation(spec.items)}`;
    case "object":
      return `a mapping${orNull}`;
  }
}

export { INVALID };
