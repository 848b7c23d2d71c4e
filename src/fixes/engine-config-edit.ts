/**
 * A user's own engine configuration with a cause's engine lines worked in: the lines edgebench's generated
 * configuration gains are inserted where they belong in the user's file (after each `proxy_pass` for nginx, after
 * each `bind` of a frontend for HAProxy, inside each `reverse_proxy` block for Caddy), and the lines it loses are
 * removed. Only for the first hop's stripping: an allowlist reshapes server blocks and is left to the user.
 */
import { changedLines, type CauseChange } from "../results/causes.js";

export type EngineName = keyof CauseChange["engines"];

const statement = (line: string): string => line.slice(1).trim();

/** nginx sends each proxy_set_header it is given: the user's own for a header the fix sets are replaced. */
function nginx(text: string, added: string[], removed: string[]): string {
  const names = new Set(
    added.map((line) => /^proxy_set_header\s+(\S+)/i.exec(line)?.[1]?.toLowerCase()).filter(Boolean),
  );
  const kept = text.replace(/[ \t]*proxy_set_header\s+(\S+)[^;]*;[ \t]*\n?/gi, (whole, name: string) =>
    names.has(name.toLowerCase()) || removed.includes(whole.trim()) ? "" : whole,
  );
  return kept.replace(
    /^([ \t]*)(.*?proxy_pass\s+[^;]+;)([ \t]*\n?)/gim,
    (_, indent: string, head: string, end: string) =>
      end.includes("\n")
        ? `${indent}${head}\n${added.map((line) => `${indent}${line}`).join("\n")}\n`
        : `${indent}${head} ${added.join(" ")}${end}`,
  );
}

/** HAProxy reads a frontend's rules in order: the deletions and settings go right after its `bind` lines. */
function haproxy(text: string, added: string[]): string {
  const out: string[] = [];
  let inFrontend = false;
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    out.push(line);
    if (/^\S/.test(line)) inFrontend = /^(frontend|listen)\b/.test(line);
    const nextIsBind = /^\s+bind\s/.test(lines[i + 1] ?? "");
    if (inFrontend && /^\s+bind\s/.test(line) && !nextIsBind) out.push(...added.map((rule) => `  ${rule}`));
  });
  return out.join("\n");
}

/** Caddy's header_up rules live in the reverse_proxy block; a one-line reverse_proxy gets a block. */
function caddy(text: string, added: string[], removed: string[]): string {
  const kept = text
    .split("\n")
    .filter((line) => !removed.includes(line.trim()))
    .join("\n");
  return kept.replace(
    /^([ \t]*)(reverse_proxy\b[^\n]*?)([ \t]+\{)?[ \t]*$/gm,
    (_, indent: string, head: string, open?: string) => {
      const inner = added.map((line) => `${indent}  ${line}`).join("\n");
      return open ? `${indent}${head} {\n${inner}` : `${indent}${head} {\n${inner}\n${indent}}`;
    },
  );
}

/** The user's configuration with the change's lines for `engine`, or null when this change cannot be worked in. */
export function editEngineConfig(engine: EngineName, text: string, change: CauseChange): string | null {
  const diff = change.engines[engine];
  if (!diff || !change.scenario.some((field) => field.path.join(".") === "proxy.stripClientForwarded")) return null;
  const lines = changedLines(diff);
  const added = lines.filter((line) => line.startsWith("+")).map(statement);
  const removed = lines.filter((line) => line.startsWith("-")).map(statement);
  if (engine === "nginx") return nginx(text, added, removed);
  if (engine === "haproxy") return haproxy(text, added);
  // A YARP appsettings.json has a transform list per route: edited by hand from the diff the report shows.
  if (engine === "yarp") return null;
  return caddy(text, added, removed);
}
