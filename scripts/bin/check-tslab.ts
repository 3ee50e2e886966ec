/**
 * Type-checks the helper library the way tslab compiles it inside a notebook.
 *
 * tslab ignores tsconfig.json: it compiles every cell and every local module with its own
 * TypeScript (5.0) and fixed options, with rootDir set to the notebook's folder. Code that passes
 * `tsc` 7 can still break there (`using`, `Array.prototype.findLast`, ...), so this check runs
 * tslab's compiler with tslab's options over what a notebook imports: `notebooks/src/index.ts`,
 * reached through the same symlink the notebooks use.
 *
 * Usage: npm run typecheck:tslab
 */
import { createRequire } from "node:module";
import path from "node:path";

import type * as TS from "@tslab/typescript-for-tslab";
import { projectRoot } from "../cli/project";

const require = createRequire(import.meta.url);
// tslab's own compiler, not ours: the version a student's kernel really runs.
const ts: typeof TS = require("@tslab/typescript-for-tslab");

const notebooks = path.join(projectRoot, "notebooks");
const entry = path.join(notebooks, "src", "index.ts");

// Mirrors tslab 1.0.22 dist/converter.js createConverter() on Node >= 18.
const options: TS.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  declaration: true,
  experimentalDecorators: true,
  resolveJsonModule: true,
  allowJs: true,
  checkJs: true,
  skipLibCheck: true,
  typeRoots: [path.join(projectRoot, "node_modules", "@types")],
  rootDir: notebooks,
  outDir: path.join(notebooks, "outDir"),
  noEmit: true,
};

const program = ts.createProgram([entry], options);
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) {
  const host: TS.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => projectRoot,
    getNewLine: () => "\n",
  };
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  console.error(
    `The helper does not compile under tslab's TypeScript ${ts.version} (the notebooks' compiler): ${diagnostics.length} error(s) above.`,
  );
  process.exit(1);
}
console.log(
  `ok: ${path.relative(projectRoot, entry)} compiles under tslab's TypeScript ${ts.version} (es2022, node10, rootDir notebooks/)`,
);
