// `npm run lint`: typescript-eslint's recommended rules, no import cycles between files, and imports going down the
// folder layers of eslint/layers.js (the local rule edgebench/layers).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import layers from "./eslint/rules/layers.js";

export default tseslint.config(
  {
    ignores: ["dist/", "node_modules/", ".cache/", "**/bin/", "**/obj/", "docs/", "test/snapshots/", "test/fixtures/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: false } },
    plugins: { "import-x": importX, edgebench: { rules: { layers } } },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      "edgebench/layers": "error",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Every error edgebench raises on purpose has a stable code and an exit code; anything else reaching the CLI is a bug.
      "no-restricted-syntax": [
        "error",
        {
          selector: "ClassDeclaration[superClass.name='Error']",
          message: "extend EdgebenchError (src/support/errors.ts): a stable code and the exit code it means",
        },
      ],
      // Wire protocols and report escaping match control bytes on purpose (NUL in a Host, C0 in XML, ANSI escapes).
      "no-control-regex": "off",
    },
  },
  { files: ["src/support/errors.ts"], rules: { "no-restricted-syntax": "off" } },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly" } },
  },
);
