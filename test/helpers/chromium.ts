/** Headless Chromium through playwright-core, from Debian's package (`apt-get install chromium`, done by .ci/run). */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.EDGEBENCH_CHROMIUM ?? "/usr/bin/chromium";

export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM_PATH)
    ? false
    : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set EDGEBENCH_CHROMIUM)`;
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox"] });
}
