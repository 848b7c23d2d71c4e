import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { escapeBytes, renderProbeCatalog } from "../../src/reporters/probe-catalog.js";
import { PROBE_CATALOG } from "../../src/runners/probes/catalog/index.js";
import { ASPNETCORE_KNOBS } from "../../src/runners/probes/types.js";
import { ROOT } from "../helpers/paths.js";

describe("docs/probes.md", () => {
  it("is what the catalog renders (run npm run docs after changing a probe)", async () => {
    assert.equal(await readFile(`${ROOT}docs/probes.md`, "utf8"), renderProbeCatalog(PROBE_CATALOG, ASPNETCORE_KNOBS));
  });

  it("names every probe once, with its bytes", () => {
    const text = renderProbeCatalog(PROBE_CATALOG, ASPNETCORE_KNOBS);
    for (const probe of PROBE_CATALOG) assert.equal(text.split(`### \`${probe.id}\`:`).length, 2, probe.id);
    assert.match(text, /GET \/ HTTP\/1\.1\\r\\n\nHost: app\.example\.com\\r\\n\nX-Forwarded-Host: evil\.example\\r\\n/);
  });
});

describe("escapeBytes", () => {
  it("shows CR LF, control bytes, backslashes and non-ASCII so the exact bytes can be read back", () => {
    assert.equal(escapeBytes(Buffer.from("a\r\nb\x00\\\xff", "latin1")), "a\\r\\n\nb\\x00\\x5c\\xff");
    assert.equal(escapeBytes(Buffer.from("abcdef"), 3), "abc… (6 bytes in all)");
  });
});
