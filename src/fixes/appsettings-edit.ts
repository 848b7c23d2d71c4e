/**
 * Edits one top-level string setting of an appsettings.json as text, so the user's comments, order and layout stay
 * as they were and the diff shows only the line that changed.
 */

const escapeJson = (value: string): string => JSON.stringify(value);

/** `text` with `"key": value` set at the top level: the existing line changed, or a line added after the `{`. */
export function setTopLevelString(text: string, key: string, value: string): string {
  const existing = new RegExp(`^(\\s*"${key}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|null)`, "m");
  if (existing.test(text)) return text.replace(existing, (_, prefix: string) => `${prefix}${escapeJson(value)}`);
  const open = text.indexOf("{");
  if (open < 0) return `{\n  ${escapeJson(key)}: ${escapeJson(value)}\n}\n`;
  const rest = text.slice(open + 1);
  const indent = /\n([ \t]+)\S/.exec(rest)?.[1] ?? "  ";
  const empty = /^\s*}/.test(rest);
  const line = `${indent}${escapeJson(key)}: ${escapeJson(value)}${empty ? "" : ","}`;
  return `${text.slice(0, open + 1)}\n${line}${rest.startsWith("\n") ? "" : "\n"}${rest}`;
}
