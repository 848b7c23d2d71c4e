/**
 * A small description language for scenario fields: one table drives validation (with file/line/field errors),
 * defaults and the JSON Schema for editors, so the three cannot drift apart.
 */

interface BaseSpec {
  description: string;
  /** Null is accepted as a value. */
  nullable?: boolean;
}

export type FieldSpec =
  | (BaseSpec & { type: "string"; enum?: readonly string[]; minLength?: number; syntax?: StringSyntax })
  | (BaseSpec & { type: "integer"; minimum?: number; maximum?: number })
  | (BaseSpec & { type: "number"; minimum?: number; maximum?: number; exclusiveMinimum?: number })
  | (BaseSpec & { type: "boolean" })
  | (BaseSpec & { type: "duration"; minimumMs?: number; maximumMs?: number })
  | (BaseSpec & { type: "size"; maximumBytes: number })
  | (BaseSpec & { type: "array"; items: FieldSpec; minItems?: number; unique?: boolean })
  | (BaseSpec & { type: "object"; fields: Readonly<Record<string, FieldSpec>>; required?: readonly string[] })
  | (BaseSpec & { type: "stringOrList"; items: FieldSpec & { type: "string" }; separator: string });

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
  const base: Record<string, unknown> = { description: spec.description };
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
