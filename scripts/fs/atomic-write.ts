/**
 * Writing a file through a temporary file in the same folder and a rename: a crash or a kill
 * mid-write never leaves half a file behind, and a reader at the same moment (a class building or
 * executing together) sees the old file or the new one. Node's own fs does it in a few lines;
 * write-file-atomic would add a package and its @types, which tslab loads into every notebook.
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** A name beside `file` that no other process or call picks at the same time. */
function temporaryName(file: string): string {
  const unique = `${process.pid}.${randomBytes(4).toString("hex")}`;
  return path.join(path.dirname(file), `.${path.basename(file)}.${unique}.tmp`);
}

/**
 * Replaces `file` with `content` whole, or leaves it as it was.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const temporary = temporaryName(file);
  try {
    await writeFile(temporary, content);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** {@link writeFileAtomic} for code that must not wait (a cache saved as a build ends). */
export function writeFileAtomicSync(file: string, content: string | Uint8Array): void {
  const temporary = temporaryName(file);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
