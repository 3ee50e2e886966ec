/**
 * What tslab loads into every cell from node_modules/@types.
 *
 * tslab (dist/converter.js, getTypeRoots) gives TypeScript every node_modules/@types folder above
 * the notebook's folder as a type root and no `types` list, so TypeScript parses every package in
 * them at kernel start and checks every cell against all of them: 14 packages here, brought by the
 * course's dev tools (chai, jsdom, hast, markdown-it, ...). The lessons need only Node's own types.
 * TypeScript lists a type root's packages through `sys.getDirectories`; this answers that list with
 * the packages below, for this project's node_modules/@types only. An explicit import still finds
 * any package's types as before: only the automatic inclusion into every cell is cut.
 */
import path from "node:path";
import { root } from "./cache.mjs";

/** The @types packages every cell sees: Node's (node:net, Buffer, ...). */
export const cellTypes = ["node"];

/**
 * @param {{ sys: { getDirectories(path: string): string[] } }} ts tslab's TypeScript
 */
export function limitTypeRoots(ts) {
  const projectTypes = path.join(root, "node_modules", "@types");
  const getDirectories = ts.sys.getDirectories;
  ts.sys.getDirectories = (dir) => {
    const found = getDirectories(dir);
    return path.resolve(dir) === projectTypes ? found.filter((d) => cellTypes.includes(d)) : found;
  };
}
