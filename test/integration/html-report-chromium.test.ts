/** The HTML report as a browser draws it (this project compiles without DOM types: casts name what is used): charts with real geometry, the probe matrix, a screenshot. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderHtml } from "../../src/reporters/html.js";
import type { RunResult } from "../../src/results/types.js";
import { chromiumMissing, launchChromium } from "../helpers/chromium.js";
import { FIXTURES } from "../helpers/paths.js";

describe("HTML report in headless Chromium", { skip: chromiumMissing() }, () => {
  it("draws every chart, the probe matrix and the scenario, with nothing fetched from the network", async () => {
    const result = JSON.parse(await readFile(`${FIXTURES}results/run-result.json`, "utf8")) as RunResult;
    const dir = await mkdtemp(join(tmpdir(), "edgebench-html-"));
    const browser = await launchChromium();
    try {
      const file = join(dir, "report.html");
      await writeFile(file, renderHtml([result]));
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(`file://${file}`);

      const charts = await page.$$eval("svg.chart", (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const drawn = [...svg.querySelectorAll("path.series, circle, rect.bar, rect.band, line.median")].map((shape) => {
            const b = (shape as unknown as { getBBox(): { width: number; height: number } }).getBBox();
            return b.width + b.height;
          });
          return { label: svg.getAttribute("aria-label"), width: box.width, height: box.height, shapes: drawn.length, nonEmpty: drawn.filter((size) => size > 0).length };
        }),
      );
      // Percentile curves, throughput per round, and one overhead chart per metric.
      assert.equal(charts.length, 2 + result.load!.overheads[0]!.figures.length, JSON.stringify(charts));
      for (const chart of charts) {
        assert.ok(chart.width > 200 && chart.height > 150, `${chart.label} has no size`);
        assert.ok(chart.shapes > 0 && chart.nonEmpty === chart.shapes, `${chart.label}: ${chart.nonEmpty} of ${chart.shapes} shapes drawn`);
      }
      const curves = await page.$$eval("svg.chart path.series", (paths) => paths.map((p) => (p as unknown as { getTotalLength(): number }).getTotalLength()));
      assert.equal(curves.length, result.load!.deployments.length);
      assert.ok(curves.every((length) => length > 100), `curves too short: ${curves}`);
      const bars = await page.$$eval("svg.chart rect.bar", (rects) => rects.map((r) => Number(r.getAttribute("height"))));
      assert.equal(bars.length, result.load!.deployments.length * result.load!.settings.rounds);
      assert.ok(bars.every((height) => height > 0));

      const matrix = await page.$$eval("table.matrix tr.probe", (rows) => rows.map((row) => row.textContent ?? ""));
      assert.equal(matrix.length, new Set(result.probes!.results.map((r) => r.probe)).size);
      assert.ok(matrix.some((row) => row.includes("arbitrary-host") && row.includes("✗ 200")));
      assert.match(await page.textContent("h2") ?? "", /FAIL/);
      assert.ok(requests.every((url) => url.startsWith("file:")), `fetched ${requests.join(", ")}`);

      const screenshot = await page.screenshot({ fullPage: true });
      assert.deepEqual([...screenshot.subarray(1, 4)], [0x50, 0x4e, 0x47]);
      assert.ok(screenshot.length > 20_000, `screenshot of ${screenshot.length} bytes looks blank`);
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
