/**
 * A small description language for scenario fields: one table drives validation (with file/line/field errors),
 * defaults and the JSON Schema for editors, so the three cannot drift apart.
 */

/**
 * What an absent field is. A literal `default` is written in the scenario file's own form (a duration as text such
 * as "30s", since a bare number in a file means seconds), so the JSON Schema can offer it as it stands and a unit
 * test validates it like a value from a file; `defaultsOf` gives it in the resolved form the loader uses.
 * `defaultNote` explains a literal default; a default that code computes from other fields or files is named in
 * `defaultDescription` instead. The description never says its default: `describeField` appends it.
 */
type Defaulted<Value> =
  | { default?: Value; defaultNote?: string; defaultDescription?: never }
  | { default?: never; defaultNote?: never; defaultDescription?: string };

type BaseSpec<Value> = Defaulted<Value> & {
  description: string;
  /** Null is accepted as a value. */
  nullable?: boolean;
};

/** A duration as a scenario file writes it: "30s", "200us". */
export type DurationText = `${number}${"us" | "µs" | "ms" | "s" | "m" | "h"}`;

export type FieldSpec =
  | (BaseSpec<string> & { type: "string"; enum?: readonly string[]; minLength?: number; syntax?: StringSyntax })
  | (BaseSpec<number> & { type: "integer"; minimum?: number; maximum?: number; unit?: "bytes" })
  | (BaseSpec<number> & { type: "number"; minimum?: number; maximum?: number; exclusiveMinimum?: number })
  | (BaseSpec<boolean> & { type: "boolean" })
  | (BaseSpec<DurationText> & { type: "duration"; minimumMs?: number; maximumMs?: number })
  | (BaseSpec<never> & { type: "size"; maximumBytes: number })
  | (BaseSpec<readonly string[]> & { type: "array"; items: FieldSpec; minItems?: number; unique?: boolean })
  | (BaseSpec<never> & {
      type: "object";
      fields: Readonly<Record<string, FieldSpec>>;
      required?: readonly string[];
    })
  | (BaseSpec<readonly string[]> & { type: "stringOrList"; items: FieldSpec & { type: "string" }; separator: string });

/** A grammar a string must follow: a JSON Schema pattern and what it is called in messages. */
export interface StringSyntax {
  pattern: string;
  name: string;
}

export type ObjectSpec = Extract<FieldSpec, { type: "object" }>;

/** `500ms`, `2s`, `1.5s`, `1m`, or a bare number of seconds. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value * 1000 : null;
  if (typeof value !== "string") return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)?\s*$/.exec(value);
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = match[2] ?? "s";
  const factor: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return amount * factor[unit]!;
}

/** `16KiB`, `1MiB`, `512B`, `2kB`, or a bare number of bytes. */
export function parseSize(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : null;
  if (typeof value !== "string") return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|kB|KB|KiB|MB|MiB|GB|GiB)?\s*$/.exec(value);
  if (!match) return null;
  const factor: Record<string, number> = {
    B: 1,
    kB: 1000,
    KB: 1000,
    KiB: 1024,
    MB: 1e6,
    MiB: 1024 ** 2,
    GB: 1e9,
    GiB: 1024 ** 3,
  };
  return Math.round(Number(match[1]) * factor[match[2] ?? "B"]!);
}

/** The JSON Schema (draft 2020-12) of a spec, for editors and for documentation. */
export function toJsonSchema(spec: FieldSpec): Record<string, unknown> {
  const base: Record<string, unknown> = {
    description: describeField(spec),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
  };
  const nullable = (schema: Record<string, unknown>): Record<string, unknown> =>
    spec.nullable ? { ...base, anyOf: [schema, { type: "null" }] } : { ...base, ...schema };
  switch (spec.type) {
    case "string":
      return nullable({
        type: "string",
        ...(spec.enum ? { enum: [...spec.enum] } : {}),
        ...(spec.minLength ? { minLength: spec.minLength } : {}),
        ...(spec.syntax ? { pattern: spec.syntax.pattern } : {}),
      });
    case "integer":
    case "number":
      return nullable({
        type: spec.type,
        ...(spec.minimum !== undefined ? { minimum: spec.minimum } : {}),
        ...(spec.maximum !== undefined ? { maximum: spec.maximum } : {}),
        ...("exclusiveMinimum" in spec && spec.exclusiveMinimum !== undefined
          ? { exclusiveMinimum: spec.exclusiveMinimum }
          : {}),
      });
    case "boolean":
      return nullable({ type: "boolean" });
    case "duration":
      return nullable({
        anyOf: [
          { type: "string", pattern: "^\\s*\\d+(\\.\\d+)?\\s*(us|µs|ms|s|m|h)?\\s*$" },
          { type: "number", minimum: 0 },
        ],
      });
    case "size":
      return nullable({
        anyOf: [
          { type: "string", pattern: "^\\s*\\d+(\\.\\d+)?\\s*(B|kB|KB|KiB|MB|MiB|GB|GiB)?\\s*$" },
          { type: "integer", minimum: 0, maximum: spec.maximumBytes },
        ],
      });
    case "array":
      return nullable({
        type: "array",
        items: toJsonSchema(spec.items),
        ...(spec.minItems ? { minItems: spec.minItems } : {}),
      });
    case "stringOrList":
      return nullable({ anyOf: [{ type: "string" }, { type: "array", items: toJsonSchema(spec.items) }] });
    case "object": {
      const properties: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(spec.fields)) properties[name] = toJsonSchema(field);
      return nullable({
        type: "object",
        properties,
        additionalProperties: false,
        ...(spec.required && spec.required.length > 0 ? { required: [...spec.required] } : {}),
      });
    }
  }
}

/** A literal default as the loader uses it: a duration in ms, a list as a fresh copy the Scenario owns. */
type ResolvedDefault<Field> = Field extends { type: "duration" }
  ? number
  : Field extends { default: readonly (infer Item)[] }
    ? Item[]
    : Field extends { default: infer Value }
      ? Value
      : never;

/** The fields of a table that have a literal default, by name; a field without one is not a key, so asking fails. */
export type Defaults<Fields> = {
  readonly [Name in keyof Fields as Fields[Name] extends { default: unknown } ? Name : never]: ResolvedDefault<
    Fields[Name]
  >;
};

/** The literal defaults of a table's fields, resolved: `defaultsOf(proxySpec.fields).upstreamTimeout` is 30000. */
export function defaultsOf<const Fields extends Readonly<Record<string, FieldSpec>>>(fields: Fields): Defaults<Fields> {
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (field.default === undefined) continue;
    if (field.type === "duration") values[name] = parseDuration(field.default);
    else values[name] = typeof field.default === "object" ? [...field.default] : field.default;
  }
  return values as Defaults<Fields>;
}

/** What an absent field is, in words: "default 30s", "default *: filtering off", "default: an ephemeral port". */
export function defaultPhrase(spec: FieldSpec): string | null {
  if (spec.defaultDescription !== undefined) return `default: ${spec.defaultDescription}`;
  if (spec.default === undefined) return null;
  const value = formatDefault(spec, spec.default);
  return spec.defaultNote === undefined ? `default ${value}` : `default ${value}: ${spec.defaultNote}`;
}

/** A field's description and then what an absent field is: the one place a description says its default. */
export function describeField(spec: FieldSpec): string {
  const phrase = defaultPhrase(spec);
  if (phrase === null) return spec.description;
  return `${spec.description.replace(/([^.])$/, "$1.")} D${phrase.slice(1)}.`;
}

function formatDefault(spec: FieldSpec, value: NonNullable<FieldSpec["default"]>): string {
  switch (typeof value) {
    case "string":
      return value === "" ? "empty" : asText(value);
    case "boolean":
      return String(value);
    case "number":
      return spec.type === "integer" && spec.unit === "bytes" ? formatBytes(value) : String(value);
    default:
      if (spec.type === "stringOrList") return asText(value.join(spec.separator));
      if (value.length === 0) return "none";
      return `[${value.map((item) => (/^[\w./-]+$/.test(item) ? item : `'${item}'`)).join(", ")}]`;
  }
}

/** A word as it is; anything else in backticks, so that `*` or `.` reads as a value. */
function asText(text: string): string {
  return /^[\w-]+$/.test(text) ? text : `\`${text}\``;
}

function formatBytes(bytes: number): string {
  if (bytes > 0 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (bytes > 0 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
