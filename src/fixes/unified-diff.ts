/** A unified diff of two texts, line by line (longest common subsequence), as `diff -u` prints it. */

type Edit = { kind: " " | "-" | "+"; line: string; oldLine: number; newLine: number };

function edits(before: readonly string[], after: readonly string[]): Edit[] {
  // lengths[i][j]: the longest common subsequence of before[i..] and after[j..].
  const lengths = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      lengths[i]![j] =
        before[i] === after[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j])
      out.push({ kind: " ", line: before[i++]!, oldLine: i, newLine: ++j });
    else if (i < before.length && (j >= after.length || lengths[i + 1]![j]! >= lengths[i]![j + 1]!))
      out.push({ kind: "-", line: before[i++]!, oldLine: i, newLine: j });
    else out.push({ kind: "+", line: after[j++]!, oldLine: i, newLine: j });
  }
  return out;
}

/** The text's lines; a final newline ends the last line rather than starting an empty one. */
const lines = (text: string): string[] => (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");

const range = (start: number, count: number): string =>
  count === 1 ? `${start}` : `${count === 0 ? start : start},${count}`;

/** `--- a/file` `+++ b/file` and hunks with `context` unchanged lines around each change; "" when equal. */
export function unifiedDiff(before: string, after: string, name: string, context = 3): string {
  const all = edits(lines(before), lines(after));
  const changed = all.map((edit, index) => (edit.kind === " " ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return "";
  const hunks: Array<[number, number]> = [];
  for (const index of changed) {
    const last = hunks[hunks.length - 1];
    if (last && index - context <= last[1] + context) last[1] = index;
    else hunks.push([index, index]);
  }
  const out = [`--- a/${name}`, `+++ b/${name}`];
  for (const [first, last] of hunks) {
    const slice = all.slice(Math.max(0, first - context), Math.min(all.length, last + context + 1));
    const oldCount = slice.filter((edit) => edit.kind !== "+").length;
    const newCount = slice.filter((edit) => edit.kind !== "-").length;
    const oldStart = slice.find((edit) => edit.kind !== "+")?.oldLine ?? slice[0]!.oldLine;
    const newStart = slice.find((edit) => edit.kind !== "-")?.newLine ?? slice[0]!.newLine;
    out.push(
      `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`,
      ...slice.map((edit) => `${edit.kind}${edit.line}`),
    );
  }
  return `${out.join("\n")}\n`;
}
