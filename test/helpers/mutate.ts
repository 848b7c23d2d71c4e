/** Seeded mutations of scenario text for fuzz tests: wrong types, unknown keys, broken YAML, garbage bytes. */
const JUNK = [
  "-5s",
  "1e309",
  "99999999999999999999999",
  "[]",
  "{}",
  "null",
  "yes",
  '""',
  "💥",
  "~",
  "-1",
  "0",
  "1.5",
  "[a, [b]]",
  "{ a: 1 }",
  "*",
  "&anchor x",
  "*anchor",
  "!!binary AAAA",
  "'unterminated",
  "0x10",
  "2s2",
];
const KEYS = ["bogus", "allowedhost", "rounds", "apps", "load", "policy", "knownProxies", "__proto__", "constructor"];

export type Random = () => number;
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

export const MUTATIONS: Array<(lines: string[], random: Random) => string[]> = [
  (lines, random) => lines.filter((_, i) => i !== Math.floor(random() * lines.length)),
  (lines, random) => {
    const i = Math.floor(random() * lines.length);
    return lines.map((line, j) =>
      j === i && line.includes(":") ? `${line.slice(0, line.indexOf(":") + 1)} ${pick(random, JUNK)}` : line,
    );
  },
  (lines, random) => {
    const i = Math.floor(random() * lines.length);
    const indent = /^\s*(- )?/.exec(lines[i] ?? "")?.[0].replace("-", " ") ?? "";
    return [...lines.slice(0, i + 1), `${indent}${pick(random, KEYS)}: ${pick(random, JUNK)}`, ...lines.slice(i + 1)];
  },
  (lines, random) => {
    const i = Math.floor(random() * lines.length);
    return [...lines.slice(0, i + 1), lines[i] ?? "", ...lines.slice(i + 1)];
  },
  (lines, random) =>
    lines
      .join("\n")
      .slice(0, Math.floor(random() * lines.join("\n").length))
      .split("\n"),
  (lines, random) => {
    const i = Math.floor(random() * lines.length);
    const garbage = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
      String.fromCharCode(Math.floor(random() * 256)),
    ).join("");
    return lines.map((line, j) => (j === i ? line + garbage : line));
  },
  (lines, random) => {
    const i = Math.floor(random() * lines.length);
    return lines.map((line, j) => (j === i ? (random() < 0.5 ? `  ${line}` : line.replace(/^ {1,2}/, "")) : line));
  },
  () => [""],
];

/** One mutated scenario: 1 to 3 mutations of `text`. */
export function mutate(text: string, random: Random): string {
  let lines = text.split("\n");
  const steps = 1 + Math.floor(random() * 3);
  for (let k = 0; k < steps; k++) lines = pick(random, MUTATIONS)(lines, random);
  return lines.join("\n");
}
