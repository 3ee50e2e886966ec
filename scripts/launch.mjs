/**
 * Runs a TypeScript program of this repository fast: `node scripts/launch.mjs scripts/bin/COMMAND.ts [ARGS...]`.
 *
 * `tsx` costs about a third of a second at every start (it starts esbuild and installs its loader
 * hooks), more than `npm run handouts` needs for a whole rebuild, and it is paid again by every
 * `npm run echo-client` a lesson runs. So the first run bundles the program and the files it
 * imports from this repository into one JavaScript module with esbuild (the compiler tsx uses),
 * keeps it in node_modules/.cache/launch/, and later runs load that module with plain Node. Packages
 * stay outside the bundle and load from node_modules as usual.
 *
 * The bundle is used only while it is up to date: next to it a manifest lists every source file
 * that went into it with a hash of its content, and any change (an edited lesson script, a git
 * checkout) rebuilds it before the program runs. Bundles are written to a temporary name and then
 * renamed, so programs started at the same moment (a class running a lesson together) never read
 * a half-written one. Where the cache cannot be written (a read-only installation) the program
 * runs through tsx instead, as before, only slower.
 *
 * Inside the bundle, `import.meta.url`, `import.meta.dirname` and `import.meta.filename` keep
 * meaning the TypeScript file they are written in, and stack traces name the TypeScript sources
 * (the bundle carries a source map).
 *
 * LAUNCH_CACHE_DIR=DIR puts the cache elsewhere (tests use it). Bare imports in a bundle resolve
 * from where the bundle lives, so a cache outside this repository only suits programs that import
 * no packages.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "..");
/** Changes whenever this file changes how bundles are made, so older bundles are rebuilt. */
const FORMAT = 1;

const usage = "usage: node scripts/launch.mjs scripts/bin/COMMAND.ts [ARGS...]";

/**
 * The manifest's file for a program: one per program path, so two programs that share a file name
 * in different folders do not evict each other.
 *
 * @param {string} cacheDir
 * @param {string} entry absolute path of the program
 */
function manifestPath(cacheDir, entry) {
  const id = createHash("sha256").update(entry).digest("hex").slice(0, 12);
  return path.join(cacheDir, `${path.basename(entry, path.extname(entry))}-${id}.json`);
}

/** @param {string} file */
function hashFile(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/**
 * The bundle recorded for `entry`, if every file it was built from is unchanged.
 *
 * @param {string} manifestFile
 * @returns {string | undefined} the bundle's path
 */
function upToDateBundle(manifestFile) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch {
    return undefined; // never built here, or unreadable: build it
  }
  if (manifest.format !== FORMAT || manifest.node !== process.version) return undefined;
  try {
    for (const [file, hash] of Object.entries(manifest.inputs)) {
      if (hashFile(path.resolve(root, file)) !== hash) return undefined;
    }
  } catch {
    return undefined; // a source file was deleted or moved
  }
  const bundle = path.join(path.dirname(manifestFile), manifest.bundle);
  return existsSync(bundle) ? bundle : undefined;
}

/**
 * esbuild plugin: `import.meta.*` in each TypeScript file becomes that file's own location, as it
 * would be when the file runs unbundled.
 */
const keepImportMeta = {
  name: "keep-import-meta",
  /** @param {import("esbuild").PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const contents = source
        .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
        .replaceAll("import.meta.filename", JSON.stringify(args.path))
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: args.path.endsWith("x") ? "tsx" : "ts" };
    });
  },
};

/**
 * Bundles `entry` into the cache and records what it was built from.
 *
 * @param {string} entry
 * @param {string} manifestFile
 * @returns {Promise<string>} the bundle's path
 */
async function rebuild(entry, manifestFile) {
  const dir = path.dirname(manifestFile);
  const name = path.basename(manifestFile, ".json");
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    packages: "external",
    sourcemap: "inline",
    sourcesContent: false,
    // Not written (write: false); it places the source map's paths relative to the cache.
    outfile: path.join(dir, `${name}.mjs`),
    absWorkingDir: root,
    metafile: true,
    logLevel: "error",
    plugins: [keepImportMeta],
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs).map((file) => [file, hashFile(path.resolve(root, file))]),
  );
  mkdirSync(dir, { recursive: true });
  const bundle = `${name}-${createHash("sha256").update(code).digest("hex").slice(0, 12)}.mjs`;
  const unique = `${process.pid}-${Date.now()}`;
  writeFileSync(path.join(dir, `${bundle}.${unique}.tmp`), code);
  renameSync(path.join(dir, `${bundle}.${unique}.tmp`), path.join(dir, bundle));
  const manifest = { format: FORMAT, node: process.version, entry, bundle, inputs };
  writeFileSync(`${manifestFile}.${unique}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${manifestFile}.${unique}.tmp`, manifestFile);
  pruneOldBundles(dir, name, bundle);
  return path.join(dir, bundle);
}

/**
 * Deletes this program's earlier bundles, once they are old enough that no program started from
 * them can still be loading them.
 *
 * @param {string} dir
 * @param {string} name
 * @param {string} keep
 */
function pruneOldBundles(dir, name, keep) {
  const before = Date.now() - 10 * 60_000;
  for (const file of readdirSync(dir)) {
    if (!file.startsWith(`${name}-`) || file === keep || file.endsWith(".json")) continue;
    try {
      const full = path.join(dir, file);
      if (statSync(full).mtimeMs < before) rmSync(full, { force: true });
    } catch {
      // Gone already (another run pruned it): nothing to do.
    }
  }
}

async function main() {
  const [program, ...args] = process.argv.slice(2);
  if (program === undefined || program === "--help" || program === "-h") {
    console.error(usage);
    process.exitCode = program === undefined ? 2 : 0;
    return;
  }
  const entry = path.resolve(program);
  // The program reads its arguments from process.argv, as when run directly.
  process.argv = [process.argv[0], entry, ...args];

  const cacheDir = path.resolve(
    process.env.LAUNCH_CACHE_DIR || path.join(root, "node_modules", ".cache", "launch"),
  );
  const manifestFile = manifestPath(cacheDir, entry);
  let bundle = upToDateBundle(manifestFile);
  if (bundle === undefined) {
    try {
      bundle = await rebuild(entry, manifestFile);
    } catch (err) {
      // A program that does not compile: esbuild has printed where, as tsx would.
      const errors = /** @type {{ errors?: unknown[] }} */ (err).errors;
      if (Array.isArray(errors) && errors.length > 0) {
        process.exitCode = 1;
        return;
      }
      // The cache cannot be written here (read-only, full disk): run from source instead.
      const { register } = await import("tsx/esm/api");
      register();
      await import(pathToFileURL(entry).href);
      return;
    }
  }
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
}

await main();
