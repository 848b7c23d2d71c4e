/** Number formatting shared by the text reporters: µs/ms/s, k req/s, signed differences. */

export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return "–";
  const abs = Math.abs(us);
  if (abs < 1000) return `${Math.round(us)}µs`;
  if (abs < 1_000_000) return `${(us / 1000).toFixed(abs < 10_000 ? 2 : 1)}ms`;
  return `${(us / 1_000_000).toFixed(2)}s`;
}

export function formatSignedDuration(us: number): string {
  return `${us > 0 ? "+" : us < 0 ? "−" : "±"}${formatDuration(Math.abs(us))}`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "–";
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(1)}k`;
  return `${Math.round(perSecond)}`;
}

export function formatRatio(ratio: number): string {
  return `×${ratio.toFixed(2)}`;
}

/** Visible width of a string that may hold ANSI colour codes. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "").length;
}

export function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - visibleLength(text)));
}

export function padStart(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - visibleLength(text))) + text;
}

/** Aligns rows into columns; `right` marks the columns aligned to the right. */
export function table(rows: string[][], right: ReadonlySet<number> = new Set(), gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => (right.has(i) ? padStart(cell, widths[i]!) : i === row.length - 1 ? cell : padEnd(cell, widths[i]!)))
      .join(" ".repeat(gap))
      .trimEnd(),
  );
}
