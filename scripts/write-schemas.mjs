// Regenerates schema/scenario.schema.json from the validator's field table (run after `npm run build`).
import { writeFileSync } from "node:fs";
import { scenarioJsonSchema } from "../dist/src/scenario/json-schema.js";

writeFileSync(new URL("../schema/scenario.schema.json", import.meta.url), `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
