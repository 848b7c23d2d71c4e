/**
 * Inline SVG charts for the HTML report: plain strings, no script, no network. Each chart is a pure function from
 * numbers to markup; axes are linear or base-10 logarithmic.
 */

export interface Series {
  name: string;
  color: string;
  points: Array<{ x: number; y: number }>;
}

export interface Tick {
  value: number;
  label: string;
}

export interface Axis {
  label: string;
  log?: boolean;
  /** Fixed ticks; absent: chosen from the data. */
  ticks?: Tick[];
  /** Start the axis at zero (linear axes). */
  fromZero?: boolean;
}

export interface ChartFrame {
  title: string;
  width?: number;
  height?: number;
  x: Axis;
  y: Axis;
  /** Formats a y value for ticks and point titles. */
  formatY: (value: number) => string;
}

const MARGIN = { left: 74, right: 16, top: 44, bottom: 44 };

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

interface Scale {
  at(value: number): number;
  ticks: Tick[];
}

function niceStep(span: number): number {
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= raw) ?? magnitude * 10;
}

function scale(values: number[], axis: Axis, from: number, to: number, format: (value: number) => string): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!axis.log || v > 0));
  let low = Math.min(...finite, ...(axis.ticks ?? []).map((t) => t.value));
  let high = Math.max(...finite, ...(axis.ticks ?? []).map((t) => t.value));
  if (!Number.isFinite(low)) [low, high] = [axis.log ? 1 : 0, axis.log ? 10 : 1];
  if (axis.log) {
    const lowExp = Math.floor(Math.log10(low));
    const highExp = Math.max(lowExp + 1, Math.ceil(Math.log10(high)));
    const ticks =
      axis.ticks ??
      Array.from({ length: highExp - lowExp + 1 }, (_, i) => ({
        value: 10 ** (lowExp + i),
        label: format(10 ** (lowExp + i)),
      }));
    const [a, b] = axis.ticks ? [Math.log10(low), Math.log10(high)] : [lowExp, highExp];
    return { at: (v) => from + ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a || 1)) * (to - from), ticks };
  }
  if (axis.fromZero) low = Math.min(0, low);
  if (high === low) high = low + 1;
  const step = niceStep(high - low);
  const start = Math.floor(low / step) * step;
  const end = Math.ceil(high / step) * step;
  const ticks =
    axis.ticks ??
    Array.from({ length: Math.round((end - start) / step) + 1 }, (_, i) => ({
      value: start + i * step,
      label: format(start + i * step),
    }));
  const [a, b] = axis.ticks ? [low, high] : [start, end];
  return { at: (v) => from + ((v - a) / (b - a || 1)) * (to - from), ticks };
}

function frame(chart: ChartFrame, xs: number[], ys: number[], formatX: (value: number) => string) {
  const width = chart.width ?? 560;
  const height = chart.height ?? 280;
  const x = scale(xs, chart.x, MARGIN.left, width - MARGIN.right, formatX);
  const y = scale(ys, chart.y, height - MARGIN.bottom, MARGIN.top, chart.formatY);
  const grid = [
    ...y.ticks.map(
      (t) =>
        `<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y.at(t.value).toFixed(1)}" y2="${y.at(t.value).toFixed(1)}"/>` +
        `<text class="tick" x="${MARGIN.left - 6}" y="${(y.at(t.value) + 4).toFixed(1)}" text-anchor="end">${escapeXml(t.label)}</text>`,
    ),
    ...x.ticks.map(
      (t) =>
        `<text class="tick" x="${x.at(t.value).toFixed(1)}" y="${height - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(t.label)}</text>`,
    ),
    `<line class="axis" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${height - MARGIN.bottom}" y2="${height - MARGIN.bottom}"/>`,
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${height - MARGIN.bottom}"/>`,
    `<text class="label" x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(chart.x.label)}</text>`,
    `<text class="label" transform="translate(14 ${(MARGIN.top + height - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.y.label)}</text>`,
    `<text class="title" x="${MARGIN.left}" y="18">${escapeXml(chart.title)}</text>`,
  ];
  const open = `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${escapeXml(chart.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`;
  return { x, y, width, height, open, grid: grid.join("") };
}

function legend(series: Array<{ name: string; color: string }>): string {
  return series
    .map((s, i) => {
      const left = MARGIN.left + i * 110;
      return `<rect x="${left}" y="26" width="12" height="12" fill="${s.color}"/><text class="tick" x="${left + 16}" y="36">${escapeXml(s.name)}</text>`;
    })
    .join("");
}

/** Lines through points, one per series, with a dot and a hover title at each point. */
export function lineChart(chart: ChartFrame, series: Series[], formatX: (value: number) => string = String): string {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const f = frame(chart, xs, ys, formatX);
  const lines = series.map((s) => {
    const path = s.points
      .map((p, i) => `${i === 0 ? "M" : "L"}${f.x.at(p.x).toFixed(1)} ${f.y.at(p.y).toFixed(1)}`)
      .join(" ");
    const dots = s.points
      .map(
        (p) =>
          `<circle cx="${f.x.at(p.x).toFixed(1)}" cy="${f.y.at(p.y).toFixed(1)}" r="3" fill="${s.color}"><title>${escapeXml(`${s.name} ${formatX(p.x)}: ${chart.formatY(p.y)}`)}</title></circle>`,
      )
      .join("");
    return `<path class="series" d="${path}" stroke="${s.color}" fill="none" stroke-width="2"/>${dots}`;
  });
  return `${f.open}${f.grid}${lines.join("")}${legend(series)}</svg>`;
}

export interface IntervalChartData {
  /** One value per round. */
  values: number[];
  median: number;
  interval: [number, number];
  color: string;
}

/** Per-round values as dots, the median as a line and its confidence interval as a band. */
export function intervalChart(chart: ChartFrame, data: IntervalChartData): string {
  const rounds = data.values.map((_, i) => i + 1);
  const f = frame(
    { ...chart, x: { ...chart.x, ticks: rounds.map((r) => ({ value: r, label: String(r) })) } },
    [0.5, rounds.length + 0.5],
    [...data.values, ...data.interval, data.median, ...(chart.y.fromZero ? [0] : [])],
    String,
  );
  const left = MARGIN.left;
  const right = f.width - MARGIN.right;
  const [lowY, highY] = [f.y.at(data.interval[0]), f.y.at(data.interval[1])];
  const band = `<rect class="band" x="${left}" y="${Math.min(lowY, highY).toFixed(1)}" width="${right - left}" height="${Math.max(1, Math.abs(lowY - highY)).toFixed(1)}" fill="${data.color}" fill-opacity="0.18"><title>${escapeXml(`95% interval ${chart.formatY(data.interval[0])} … ${chart.formatY(data.interval[1])}`)}</title></rect>`;
  const median = `<line class="median" x1="${left}" x2="${right}" y1="${f.y.at(data.median).toFixed(1)}" y2="${f.y.at(data.median).toFixed(1)}" stroke="${data.color}" stroke-width="2"><title>${escapeXml(`median ${chart.formatY(data.median)}`)}</title></line>`;
  const dots = data.values
    .map(
      (v, i) =>
        `<circle cx="${f.x.at(i + 1).toFixed(1)}" cy="${f.y.at(v).toFixed(1)}" r="4" fill="${data.color}"><title>${escapeXml(`round ${i + 1}: ${chart.formatY(v)}`)}</title></circle>`,
    )
    .join("");
  return `${f.open}${f.grid}${band}${median}${dots}</svg>`;
}

/** Bars grouped by x (a round), one bar per series. */
export function groupedBarChart(
  chart: ChartFrame,
  groups: string[],
  series: Array<{ name: string; color: string; values: number[] }>,
): string {
  const f = frame(
    {
      ...chart,
      x: { ...chart.x, ticks: groups.map((g, i) => ({ value: i + 1, label: g })) },
      y: { ...chart.y, fromZero: true },
    },
    [0.5, groups.length + 0.5],
    [0, ...series.flatMap((s) => s.values)],
    String,
  );
  const slot = (f.x.at(2) - f.x.at(1)) * 0.8 || (f.width - MARGIN.left - MARGIN.right) * 0.5;
  const barWidth = slot / Math.max(1, series.length);
  const base = f.y.at(0);
  const bars = groups.flatMap((group, g) =>
    series.map((s, i) => {
      const value = s.values[g] ?? 0;
      const top = f.y.at(value);
      const x = f.x.at(g + 1) - slot / 2 + i * barWidth;
      return `<rect class="bar" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${Math.max(0, base - top).toFixed(1)}" fill="${s.color}"><title>${escapeXml(`${s.name}, ${group}: ${chart.formatY(value)}`)}</title></rect>`;
    }),
  );
  return `${f.open}${f.grid}${bars.join("")}${legend(series)}</svg>`;
}
