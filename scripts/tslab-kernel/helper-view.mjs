/**
 * The helper (this project's src/) as tslab's checker and Node see it inside the kernel.
 *
 * tslab compiles `import ... from "./src/index"` from the TypeScript sources: at the first such
 * cell of every lesson it type-checks all of src/, emits each file with its declarations and
 * converts each to CommonJS (about 3 s of CPU per kernel), and every later cell is checked in a
 * program that holds all of it. Instead, the helper is compiled once per version of its sources,
 * by tslab's own TypeScript with tslab's own options, in one step that gives both a declaration
 * file and the CommonJS tslab would have run for each file of src/; the result is cached under
 * the hash of src/. In the kernel:
 * - tslab's compiler sees `<notebook folder>/src/x.d.ts` (the declarations) instead of `x.ts`, so
 *   a cell is still type-checked against the helper's exact API, and the helper is neither
 *   checked again nor emitted;
 * - Node loads `src/x.ts` as that compiled JavaScript (a `.ts` loader for src/ only).
 * If src/ does not compile under tslab's TypeScript, there is no view and tslab compiles the
 * sources as before, showing its errors.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import Module from "node:module";
import path from "node:path";
import { readEntry, root, writeEntry } from "./cache.mjs";
import { cellTypes } from "./type-roots.mjs";

/** Changes whenever this file changes what goes into a view, so older views are made again. */
const FORMAT = 1;

/**
 * @typedef {{ js: Record<string, string>, dts: Record<string, string> }} View
 *   per file name without extension: its CommonJS, its declarations
 * @typedef {(js: string, target: number) => string} ToCommonJS
 * @typedef {typeof import("@tslab/typescript-for-tslab")} TS
 */

/**
 * @param {TS} ts tslab's TypeScript
 * @param {ToCommonJS} toCommonJS tslab's own esModuleToCommonJSModule
 */
export function installHelperView(ts, toCommonJS) {
  const helperDir = fs.realpathSync(path.join(root, "src"));
  /** @type {View | null | undefined} */
  let view;
  let building = false;
  /** @type {Map<string, boolean>} folder as tslab names it -> is it the helper's src/? */
  const helperDirs = new Map();

  /** @param {string} dir */
  function isHelperDir(dir) {
    let known = helperDirs.get(dir);
    if (known === undefined) {
      try {
        known = fs.realpathSync(dir) === helperDir;
      } catch {
        known = false;
      }
      helperDirs.set(dir, known);
    }
    return known;
  }

  function getView() {
    if (view === undefined) {
      building = true;
      try {
        view = loadOrBuild(ts, toCommonJS, helperDir);
      } finally {
        building = false;
      }
    }
    return view;
  }

  /**
   * What the view says of a path: its text, null (hidden: a .ts source behind its declarations),
   * or undefined (not the view's business).
   *
   * @param {string} file
   * @returns {string | null | undefined}
   */
  function lookUp(file) {
    if (building || !file.endsWith(".ts") || !isHelperDir(path.dirname(file))) return undefined;
    const current = getView();
    if (!current) return undefined;
    const base = path.basename(file);
    if (base.endsWith(".d.ts")) return current.dts[base.slice(0, -5)] ?? null;
    return null;
  }

  const { fileExists, readFile } = ts.sys;
  ts.sys.fileExists = (file) => {
    const text = lookUp(file);
    return text === undefined ? fileExists(file) : text !== null;
  };
  ts.sys.readFile = (file, encoding) => {
    const text = lookUp(file);
    return text === undefined ? readFile(file, encoding) : (text ?? undefined);
  };

  // @ts-expect-error: Node's table of loaders by extension; `require("./src/index")` then finds index.ts.
  const loaders = Module._extensions;
  /** @param {any} module a Node Module @param {string} filename */
  loaders[".ts"] = (module, filename) => {
    const js =
      path.dirname(filename) === helperDir
        ? getView()?.js[path.basename(filename, ".ts")]
        : undefined;
    if (js === undefined) return loaders[".js"](module, filename);
    module._compile(js, filename);
  };
}

/**
 * @param {TS} ts
 * @param {ToCommonJS} toCommonJS
 * @param {string} helperDir
 * @returns {View | null}
 */
function loadOrBuild(ts, toCommonJS, helperDir) {
  const names = fs
    .readdirSync(helperDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort();
  const hash = crypto.createHash("sha256");
  hash.update(`${FORMAT}\0${ts.version}\0${process.version}\0${cellTypes.join(",")}\0`);
  for (const name of names)
    hash
      .update(`${name}\0`)
      .update(fs.readFileSync(path.join(helperDir, name)))
      .update("\0");
  const entry = `helper-${hash.digest("hex").slice(0, 20)}.json`;
  const cached = readEntry(entry);
  if (cached) {
    try {
      return JSON.parse(cached.toString("utf8"));
    } catch {
      // A damaged entry: build it again.
    }
  }
  const built = build(ts, toCommonJS, helperDir, names);
  if (built) writeEntry(entry, JSON.stringify(built));
  return built;
}

/**
 * Compiles src/ with tslab's options (dist/converter.js, createConverter) and returns the view, or
 * null if the sources have errors under tslab's TypeScript.
 *
 * @param {TS} ts
 * @param {ToCommonJS} toCommonJS
 * @param {string} helperDir
 * @param {string[]} names
 * @returns {View | null}
 */
function build(ts, toCommonJS, helperDir, names) {
  const outDir = path.join(helperDir, "outDir");
  const options = {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    declaration: true,
    newLine: ts.NewLineKind.LineFeed,
    noImplicitUseStrict: true,
    experimentalDecorators: true,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.React,
    types: cellTypes,
    typeRoots: [path.join(root, "node_modules", "@types")],
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    rootDir: helperDir,
    outDir,
  };
  const program = ts.createProgram(
    names.map((n) => path.join(helperDir, n)),
    options,
  );
  // Errors without a file (tslab's options include the deprecated noImplicitUseStrict) are
  // dropped by tslab too; any error in a file of src/ means tslab should compile it as before.
  const errors = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) return null;
  /** @type {View} */
  const view = { js: {}, dts: {} };
  const result = program.emit(undefined, (file, text) => {
    const base = path.basename(file);
    if (base.endsWith(".d.ts")) view.dts[base.slice(0, -5)] = text;
    else if (base.endsWith(".js")) view.js[base.slice(0, -3)] = toCommonJS(text, options.target);
  });
  if (
    result.emitSkipped ||
    names.some((n) => !(n.slice(0, -3) in view.js && n.slice(0, -3) in view.dts))
  ) {
    return null;
  }
  return view;
}
