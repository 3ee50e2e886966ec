/**
 * The course's tslab kernel: `node scripts/tslab-kernel/start.mjs kernel --config-path FILE`, what
 * every kernelspec of this project runs (scripts/jupyter/kernelspec.ts decides the command line).
 *
 * It is this project's tslab, unchanged in what it does for a cell (it compiles and type-checks
 * every cell with its own TypeScript and options), started faster and leaner:
 * - tslab's TypeScript loads through a V8 code cache (code-cache.mjs);
 * - cells see Node's types, not every @types package of the dev tools (type-roots.mjs);
 * - the helper is checked through its declarations and run as compiled once (helper-view.mjs);
 * - a request that arrives while tslab still binds its sockets waits instead of hanging the
 *   kernel (bind-race.mjs).
 * Then it hands over to tslab's own entry point (node_modules/tslab/bin/tslab).
 * `node scripts/tslab-kernel/start.mjs warm` only makes the caches, and exits.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { waitOutBinds } from "./bind-race.mjs";
import { root } from "./cache.mjs";
import { loadWithCodeCache } from "./code-cache.mjs";
import { installHelperView } from "./helper-view.mjs";
import { limitTypeRoots } from "./type-roots.mjs";

const require = createRequire(import.meta.url);
const tslabDir = path.join(root, "node_modules", "tslab");
const typescriptFile = require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] });

const saveCodeCache = loadWithCodeCache(typescriptFile);
const ts = require(typescriptFile);
limitTypeRoots(ts);
installHelperView(
  ts,
  require(path.join(tslabDir, "dist", "converter.js")).esModuleToCommonJSModule,
);

if (process.argv[2] === "warm") {
  // `start.mjs warm`: make the code cache and the helper's view now (npm run kernel:install, npm
  // start, the image's build), as a kernel and its first import of the helper would.
  process.chdir(path.join(root, "notebooks"));
  const converter = require(path.join(tslabDir, "dist", "converter.js")).createConverter({});
  const { diagnostics } = converter.convert(
    "",
    'import { socket } from "./src/index";\nvoid socket;',
  );
  saveCodeCache();
  converter.close();
  if (diagnostics.length > 0) {
    console.error(`the helper did not compile in the kernel: ${JSON.stringify(diagnostics[0])}`);
    process.exit(1);
  }
  process.exit(0);
}

// The zeromq tslab loads (in its init, through the same module cache).
waitOutBinds(require(require.resolve("zeromq", { paths: [tslabDir] })));

// tslab's main() parses the command line and, for `kernel`, builds its compiler (most of the start)
// before it returns; the code cache is saved after that, with what the start compiled.
require(path.join(tslabDir, "dist", "main.js")).main();
setImmediate(saveCodeCache);
