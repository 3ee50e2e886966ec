/**
 * Loads tslab's TypeScript (one 8 MB CommonJS file) through a V8 code cache.
 *
 * Node compiles a script's functions the first time they run; a kernel start runs much of
 * TypeScript's parser and binder over @types/node, and compiles all of it again in every kernel.
 * V8 can save the bytecode of every function compiled so far (`script.createCachedData()` after
 * the kernel has started, not at load time, which would hold only the top level) and accept it
 * back at the next start. V8 checks the cache against its own version and flags and refuses one
 * that does not fit (then it is made again); the cache's name also carries the file's size and
 * modification time, so a reinstalled TypeScript never meets an old cache.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import Module from "node:module";
import path from "node:path";
import vm from "node:vm";
import { readEntry, writeEntry } from "./cache.mjs";

/**
 * Loads `filename` as Node's CommonJS loader would, into require's cache, and returns a function
 * that saves the code cache (call it once the program has done its start-up work).
 *
 * @param {string} filename absolute path of a CommonJS file
 * @returns {() => void}
 */
export function loadWithCodeCache(filename) {
  const stat = fs.statSync(filename);
  // V8 refuses a cache made under other flags: one entry per set of flags, so that kernels started
  // differently (the benchmarks' "before") never replace each other's.
  const flags = createHash("sha256").update(process.execArgv.join("\0")).digest("hex").slice(0, 8);
  const name = `${path.basename(filename)}-${stat.size}-${Math.floor(stat.mtimeMs)}-${process.version}-${process.arch}-${flags}.v8`;
  const cachedData = readEntry(name);
  const script = new vm.Script(Module.wrap(fs.readFileSync(filename, "utf8")), {
    filename,
    cachedData,
  });
  const mod = new Module(filename);
  mod.filename = filename;
  // @ts-expect-error: Node's internal lookup paths, as its loader sets them.
  mod.paths = Module._nodeModulePaths(path.dirname(filename));
  // @ts-expect-error: Node's require cache, where require() will find this module.
  Module._cache[filename] = mod;
  const run = script.runInThisContext();
  run.call(
    mod.exports,
    mod.exports,
    Module.createRequire(filename),
    mod,
    filename,
    path.dirname(filename),
  );
  mod.loaded = true;
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  return () => {
    if (fresh) writeEntry(name, script.createCachedData());
  };
}
