/**
 * What the lessons use from the folder they sit in, so a student edition must carry it: the helper
 * library the notebooks import (`./src/index`) and the lecture's Python programs that lessons 06,
 * 07 and 12 run (`python/echo_server.py`; the kernel's working directory is the notebook's folder).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** Each folder as the lessons name it, and where the course keeps it (relative to the project). */
export const courseFolders: readonly { name: string; from: string }[] = [
  { name: "src", from: "src" },
  { name: "python", from: "notebooks/python" },
];

/**
 * Every file of the course's folders, by its path beside the lessons ("src/index.ts",
 * "python/echo_server.py").
 *
 * @param root the project's folder
 * @example
 * const files = await courseMaterial(projectRoot); // Map { "src/index.ts" => <bytes>, ... }
 */
export async function courseMaterial(root: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const { name, from } of courseFolders) {
    const folder = path.join(root, from);
    for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath ?? entry.path, entry.name);
      files.set(
        `${name}/${path.relative(folder, file).split(path.sep).join("/")}`,
        await readFile(file),
      );
    }
  }
  return files;
}
