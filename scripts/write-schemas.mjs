// Regenerates schema/*.json (run through `npm run schemas`, which builds first).
import { writeFileSync } from "node:fs";
import { SCHEMAS } from "./schemas.mjs";

for (const [name, make] of Object.entries(SCHEMAS))
  writeFileSync(new URL(`../schema/${name}`, import.meta.url), `${JSON.stringify(make(), null, 2)}\n`);
