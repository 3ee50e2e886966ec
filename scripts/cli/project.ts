/**
 * Where the course is: the project's root folder and its lessons, the same for every command.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";

/** The project's root folder (where package.json, notebooks/ and dist/ are). */
export const projectRoot = path.resolve(import.meta.dirname, "..", "..");

/**
 * Every notebooks/*.ipynb of the course, sorted by name (lessons are named NN_topic.ipynb), as
 * absolute paths; none when the folder is missing or empty (each command says what that means).
 */
export async function courseNotebooks(root = projectRoot): Promise<string[]> {
  const folder = path.join(root, "notebooks");
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    names = [];
  }
  return names
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => path.join(folder, name));
}
