/**
 * Where the kernel launcher keeps what it computes once and reuses at every start (the V8 code
 * cache, the helper's compiled view): node_modules/.cache/tslab-kernel/, as launch.mjs does, else
 * the system's temporary folder (a read-only installation, e.g. node_modules owned by root on a
 * hub), else nowhere: the kernel then recomputes at each start, slower but the same.
 * TSLAB_KERNEL_CACHE_DIR=DIR is looked at first (tests use it).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..", "..");

/**
 * The cache folders, in order: entries are read from the first that has them.
 *
 * @returns {string[]}
 */
function candidates() {
  return [
    process.env.TSLAB_KERNEL_CACHE_DIR,
    path.join(root, "node_modules", ".cache", "tslab-kernel"),
    path.join(os.tmpdir(), `sockets-course-tslab-kernel-${safeUser()}`),
  ].filter(/** @returns {dir is string} */ (dir) => typeof dir === "string" && dir !== "");
}

/** @type {string | null | undefined} */
let writable;

/**
 * The first cache folder that can be written, or null. A course image's prepared entries (made
 * by `npm run kernel:install` at build time) stay readable where students cannot write.
 *
 * @returns {string | null}
 */
export function cacheDir() {
  if (writable !== undefined) return writable;
  writable = null;
  for (const dir of candidates()) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
      writable = dir;
      break;
    } catch {
      // Not writable here: try the next one.
    }
  }
  return writable;
}

function safeUser() {
  try {
    return String(os.userInfo().uid);
  } catch {
    return "user";
  }
}

/**
 * Reads a cache entry, or undefined when there is none.
 *
 * @param {string} name
 * @returns {Buffer | undefined}
 */
export function readEntry(name) {
  for (const dir of candidates()) {
    try {
      return fs.readFileSync(path.join(dir, name));
    } catch {
      // Not in this one.
    }
  }
  return undefined;
}

/**
 * Writes a cache entry under a temporary name, then renames it: kernels of a class starting at
 * the same moment never read a half-written one. Failing to write only costs speed.
 *
 * @param {string} name
 * @param {string | Uint8Array} data
 */
export function writeEntry(name, data) {
  const dir = cacheDir();
  if (!dir) return;
  const file = path.join(dir, name);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}
