/**
 * Reading a notebook file: bytes, UTF-8, JSON, then the strict or the lenient check
 * (see validate.ts). Every refusal is a {@link NotebookError} naming the file.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { NotebookError } from "./errors";
import type { Notebook } from "./types";
import { checkNotebook, checkNotebookShape, type NotebookCheck } from "./validate";

/** Options for {@link readNotebook} and {@link parseNotebook}. */
export interface ReadOptions {
  /**
   * "strict" (the handouts, student editions, grader) checks every field; "lenient" (the runner)
   * only needs cells and nbformat 4, and a name ending in .ipynb.
   * @default "strict"
   */
  check?: NotebookCheck;
}

/**
 * Reads a notebook file and checks it (see parseNotebook); the bytes are returned too, for copying
 * the file unchanged or telling whether a rewrite would change it.
 *
 * @throws NotebookError when the file is missing or unreadable, or is not a valid notebook
 */
export async function readNotebook(
  file: string,
  options: ReadOptions = {},
): Promise<{ notebook: Notebook; bytes: Uint8Array }> {
  const lenient = options.check === "lenient";
  if (lenient && path.extname(file) !== ".ipynb") {
    throw new NotebookError("ERR_NOT_A_NOTEBOOK", file, "the name does not end in .ipynb");
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (lenient) {
      const reason = code === "ENOENT" ? "no such file" : `cannot be read (${code})`;
      throw new NotebookError("ERR_NOT_A_NOTEBOOK", file, reason, undefined, { cause: error });
    }
    const problem =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a folder, not a notebook"
          : (error as Error).message;
    throw new NotebookError("ERR_NOTEBOOK_FORMAT", file, problem, undefined, { cause: error });
  }
  return { notebook: parseNotebook(bytes, file, options), bytes };
}

/**
 * Decodes, parses and checks a notebook file's bytes.
 *
 * @param bytes the file's content (a string is taken as already decoded)
 * @param file the path to name in errors
 * @throws NotebookError when the bytes are not UTF-8, not JSON, not nbformat 4 or a field is wrong
 */
export function parseNotebook(
  bytes: Uint8Array | string,
  file: string,
  options: ReadOptions = {},
): Notebook {
  if (options.check === "lenient") {
    // The runner's reading, as before: bad bytes decoded as U+FFFD rather than refused.
    const text = typeof bytes === "string" ? bytes : new TextDecoder("utf-8").decode(bytes);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new NotebookError(
        "ERR_NOT_A_NOTEBOOK",
        file,
        `not valid JSON (${(error as Error).message})`,
        undefined,
        { cause: error },
      );
    }
    return checkNotebookShape(value, file);
  }
  const text = typeof bytes === "string" ? bytes : decodeUtf8(bytes, file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NotebookError(
      "ERR_NOTEBOOK_JSON",
      file,
      `not valid JSON (${jsonErrorPlace(text, error)}); a notebook is a JSON file: was it cut short or edited by hand?`,
      undefined,
      { cause: error },
    );
  }
  return checkNotebook(value, file);
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    // fatal: a notebook is UTF-8 JSON; replacing bad bytes with U+FFFD would hide a damaged file.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw new NotebookError(
      "ERR_NOTEBOOK_ENCODING",
      file,
      `not valid UTF-8 text${firstBadUtf8Byte(bytes)}; notebooks are UTF-8 JSON files`,
      undefined,
      { cause: error },
    );
  }
}

function firstBadUtf8Byte(bytes: Uint8Array): string {
  // Decoding with replacement and encoding back changes the bytes exactly where they were not
  // UTF-8: the first difference points the author at the damage.
  const roundTrip = new TextEncoder().encode(new TextDecoder("utf-8").decode(bytes));
  const length = Math.min(roundTrip.length, bytes.length);
  for (let i = 0; i < length; i++) {
    if (roundTrip[i] !== bytes[i]) return ` (first bad byte at offset ${i})`;
  }
  return " (it ends in the middle of a character)";
}

function jsonErrorPlace(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  if (text.trim() === "") return "the file is empty";
  if (!position) return message.length > 200 ? `${message.slice(0, 200)}...` : message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `${message.replace(/ in JSON at position \d+.*$/, "")} at line ${line}, column ${column}`;
}
