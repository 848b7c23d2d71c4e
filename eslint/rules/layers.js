// edgebench/layers: an import inside src/ must go to the same folder or to a folder in a lower row of LAYERS.
import path from "node:path";
import { LAYERS } from "../layers.js";

const ROW_OF_FOLDER = new Map(LAYERS.flatMap((folders, row) => folders.map((folder) => [folder, row])));

/** The folder of src/ a file belongs to ("run" for src/run.ts), or undefined outside src/. */
function folderOf(file, sourceRoot) {
  const relative = path.relative(sourceRoot, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
  const [first, ...rest] = relative.split(path.sep);
  return rest.length === 0 ? first.replace(/\.[cm]?[jt]s$/, "") : first;
}

export default {
  meta: {
    type: "problem",
    docs: { description: "imports inside src/ go down the layers of eslint/layers.js" },
    schema: [],
    messages: {
      upward: "'{{from}}' may not import from '{{to}}': {{to}} is {{relation}} {{from}} in eslint/layers.js",
      unknown: "folder '{{folder}}' is not in eslint/layers.js: add it to the row where it belongs",
    },
  },
  create(context) {
    const file = context.filename;
    const sourceRoot = path.join(context.cwd, "src");
    const from = folderOf(file, sourceRoot);
    if (from === undefined) return {};
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== "string" || !specifier.startsWith(".")) return;
      const to = folderOf(path.resolve(path.dirname(file), specifier), sourceRoot);
      if (to === undefined || to === from) return;
      for (const folder of [from, to]) {
        if (!ROW_OF_FOLDER.has(folder)) {
          context.report({ node: node.source, messageId: "unknown", data: { folder } });
          return;
        }
      }
      const fromRow = ROW_OF_FOLDER.get(from);
      const toRow = ROW_OF_FOLDER.get(to);
      if (toRow > fromRow) return;
      const relation = toRow === fromRow ? "in the same row as" : "above";
      context.report({ node: node.source, messageId: "upward", data: { from, to, relation } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
