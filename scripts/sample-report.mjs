// Writes docs/sample-report.{json,html,png}: a real run of scenarios/xfh-spoofing.yaml (load and probes, so every
// section shows), its HTML report, and a screenshot of it in headless Chromium. Run through `npm run docs:sample`.
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { loadScenario, renderHtml, runScenario } from "../dist/src/index.js";

const docs = new URL("../docs/", import.meta.url);
const result = await runScenario(await loadScenario("scenarios/xfh-spoofing.yaml"));
writeFileSync(new URL("sample-report.json", docs), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(new URL("sample-report.html", docs), renderHtml([result]));

const browser = await chromium.launch({
  executablePath: process.env.EDGEBENCH_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 1500 } });
await page.goto(new URL("sample-report.html", docs).href);
await page.screenshot({ path: new URL("sample-report.png", docs).pathname });
await browser.close();
