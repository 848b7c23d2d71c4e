#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli (built to dist/ by `npm run build`, which `npm start` and `npm test` run).
let main;
try {
  ({ main } = await import("../dist/src/cli/main.js"));
} catch (error) {
  if (error && error.code === "ERR_MODULE_NOT_FOUND") {
    process.stderr.write("edgebench: not built yet; run `npm run build` (npm start and npm test build first)\n");
    process.exit(2);
  }
  throw error;
}
process.exitCode = await main(process.argv);
