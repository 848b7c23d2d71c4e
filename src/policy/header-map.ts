/**
 * Request headers as a plain record whose keys keep the casing they were given, read case-insensitively (HTTP field
 * names are; ASP.NET Core's header dictionary is too), so `headers['x-original-for']` and `headers['X-Original-For']`
 * name the same field.
 */

export type HeaderRecord = Record<string, string>;

export function findHeaderKey(headers: HeaderRecord, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(headers, name)) return name;
  const lower = name.toLowerCase();
  if (Object.prototype.hasOwnProperty.call(headers, lower)) return lower;
  for (const key in headers) {
    if (key.length === lower.length && key.toLowerCase() === lower) return key;
  }
  return undefined;
}

export function getHeader(headers: HeaderRecord, name: string): string | undefined {
  const key = findHeaderKey(headers, name);
  return key === undefined ? undefined : headers[key];
}

/** Sets (or, with undefined, removes) a field, replacing it under whatever casing it already had. */
export function setHeader(headers: HeaderRecord, name: string, value: string | undefined): void {
  const key = findHeaderKey(headers, name);
  if (key !== undefined) delete headers[key];
  if (value !== undefined) headers[name] = value;
}

/** A copy of `headers` that answers reads by any casing of a field name. */
export function caseInsensitiveHeaders(headers: HeaderRecord): HeaderRecord {
  return new Proxy(headers, {
    get(target, property, receiver) {
      if (typeof property !== "string") return Reflect.get(target, property, receiver);
      const key = findHeaderKey(target, property);
      return key === undefined ? undefined : target[key];
    },
    has(target, property) {
      return typeof property === "string"
        ? findHeaderKey(target, property) !== undefined
        : Reflect.has(target, property);
    },
  });
}

/**
 * GetCommaSeparatedValues: split on commas outside double quotes, trim, drop empty entries, remove surrounding
 * quotes. `;` is not a separator.
 */
export function splitCommaSeparated(value: string | undefined): string[] {
  if (value === undefined) return [];
  const values: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= value.length; i++) {
    const ch = value[i];
    if (ch === '"') quoted = !quoted;
    else if ((ch === "," && !quoted) || i === value.length) {
      let entry = value.slice(start, i).trim();
      if (entry.length > 1 && entry.startsWith('"') && entry.endsWith('"')) entry = entry.slice(1, -1);
      if (entry.length > 0) values.push(entry);
      start = i + 1;
    }
  }
  return values;
}
