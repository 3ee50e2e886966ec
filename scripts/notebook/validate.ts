/**
 * Reading a Jupyter notebook (nbformat 4) and checking every field the handouts rely on.
 *
 * The checks follow nbformat 4's JSON schema for the parts we read (cells, sources, outputs,
 * mime bundles) and stop at the first problem with a message that names the file, the cell
 * (number and id) and the field, so an author can open the notebook and fix it.
 * Fields we never read (metadata beyond `tags`) are left alone: Jupyter front ends add their own.
 */
import { readFile } from "node:fs/promises";

/** A notebook string field: Jupyter stores text either whole or as a list of lines. */
export type MultilineString = string | string[];

/** Output data keyed by mime type. JSON types (`application/json`, `*+json`) hold any JSON value. */
export type MimeBundle = Record<string, unknown>;

export interface CellMetadata {
  /** "solution" and "check" mark exercise cells (see plan/notebooks.md). */
  tags?: string[];
  [key: string]: unknown;
}

interface CellBase {
  /** Required from nbformat 4.5 on; stable ids like "l03-bind" in this course. */
  id?: string;
  metadata: CellMetadata;
  source: MultilineString;
}

export interface MarkdownCell extends CellBase {
  cell_type: "markdown";
  /** Images pasted into the cell, referenced as `attachment:name.png`. */
  attachments?: Record<string, MimeBundle>;
}

export interface RawCell extends CellBase {
  cell_type: "raw";
  attachments?: Record<string, MimeBundle>;
}

export interface CodeCell extends CellBase {
  cell_type: "code";
  execution_count: number | null;
  outputs: Output[];
}

export type Cell = MarkdownCell | RawCell | CodeCell;

export interface StreamOutput {
  output_type: "stream";
  name: string;
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** Why a notebook was refused; `code` tells the kinds apart for scripts and tests. */
export type NotebookErrorCode =
  | "ERR_NOTEBOOK_ENCODING"
  | "ERR_NOTEBOOK_JSON"
  | "ERR_NOTEBOOK_FORMAT"
  | "ERR_NOTEBOOK_FIELD"
  | "ERR_NOTEBOOK_RENDER"
  | "ERR_SOLUTION_MARKERS";

/** Where in a notebook a problem is: `index` counts cells from 1, as a reader counts them. */
export interface CellLocation {
  index: number;
  id?: string;
}

/**
 * A notebook the handouts cannot use, with the file and (where it applies) the cell.
 *
 * @example
 * try {
 *   parseNotebook(bytes, "notebooks/03_server.ipynb");
 * } catch (error) {
 *   if (error instanceof NotebookError) console.error(error.message); // names file and cell
 * }
 */
export class NotebookError extends Error {
  override name = "NotebookError";
  readonly code: NotebookErrorCode;
  readonly file: string;
  readonly cell?: CellLocation;

  constructor(
    code: NotebookErrorCode,
    file: string,
    problem: string,
    cell?: CellLocation,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${cell ? `${describeCell(cell)}: ` : ""}${problem}`, options);
    this.code = code;
    this.file = file;
    this.cell = cell;
  }
}

/** "cell 4 (id "l03-bind")": how errors and labels refer to a cell. */
export function describeCell(cell: CellLocation): string {
  return cell.id === undefined ? `cell ${cell.index}` : `cell ${cell.index} (id "${cell.id}")`;
}

/**
 * Joins a notebook text field into one string.
 *
 * @example
 * joinSource(["line 1\n", "line 2"]); // "line 1\nline 2"
 */
export function joinSource(source: MultilineString): string {
  return typeof source === "string" ? source : source.join("");
}

/**
 * Reads a notebook file and checks it (see parseNotebook); the bytes are returned too, for copying
 * the file unchanged.
 *
 * @throws NotebookError when the file is missing or unreadable, or is not a valid notebook
 * @example
 * const { notebook } = await readNotebook("notebooks/03_server.ipynb");
 */
export async function readNotebook(
  file: string,
): Promise<{ notebook: Notebook; bytes: Uint8Array }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a folder, not a notebook"
          : (error as Error).message;
    throw new NotebookError("ERR_NOTEBOOK_FORMAT", file, problem, undefined, { cause: error });
  }
  return { notebook: parseNotebook(bytes, file), bytes };
}

/**
 * Decodes, parses and checks a notebook file's bytes.
 *
 * @param bytes the file's content (a string is taken as already decoded)
 * @param file the path to name in errors
 * @throws NotebookError when the bytes are not UTF-8, not JSON, not nbformat 4 or a field is wrong
 * @example
 * const notebook = parseNotebook(await readFile(file), file);
 * notebook.cells.length;
 */
export function parseNotebook(bytes: Uint8Array | string, file: string): Notebook {
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

const cellTypes = new Set(["markdown", "code", "raw"]);
const outputTypes = new Set(["stream", "display_data", "execute_result", "error"]);
const cellIdPattern = /^[a-zA-Z0-9-_]{1,64}$/;

/**
 * Checks an already parsed JSON value as an nbformat 4 notebook and returns it typed.
 *
 * @throws NotebookError naming the file, the cell and the field at fault
 * @example
 * const notebook = checkNotebook(JSON.parse(text), "notebooks/01_client_server_model.ipynb");
 */
export function checkNotebook(value: unknown, file: string): Notebook {
  if (!isObject(value)) {
    throw new NotebookError(
      "ERR_NOTEBOOK_FORMAT",
      file,
      `not a notebook: the JSON is ${kindOf(value)}, a notebook is an object with "cells"`,
    );
  }
  if (value.nbformat !== 4) {
    const seen =
      value.nbformat === undefined ? "no nbformat field" : `nbformat ${show(value.nbformat)}`;
    throw new NotebookError(
      "ERR_NOTEBOOK_FORMAT",
      file,
      `not an nbformat 4 notebook (${seen}); open and save it in a current Jupyter to upgrade it`,
    );
  }
  const top = new FieldChecker(file);
  top.integer(value, "nbformat_minor", 0);
  top.object(value, "metadata");
  top.array(value, "cells");
  const minor = value.nbformat_minor as number;
  const cells = value.cells as unknown[];
  const ids = new Set<string>();
  for (let i = 0; i < cells.length; i++) {
    checkCell(cells[i], i + 1, minor, ids, file);
  }
  return value as unknown as Notebook;
}

function checkCell(cell: unknown, index: number, minor: number, ids: Set<string>, file: string) {
  if (!isObject(cell)) {
    throw new NotebookError("ERR_NOTEBOOK_FIELD", file, `must be an object, got ${kindOf(cell)}`, {
      index,
    });
  }
  const id = typeof cell.id === "string" ? cell.id : undefined;
  const check = new FieldChecker(file, { index, id });
  if (cell.id === undefined && minor >= 5) {
    check.fail("has no id; nbformat 4.5 needs one on every cell (Jupyter adds them when it saves)");
  }
  if (cell.id !== undefined) {
    check.string(cell, "id");
    if (!cellIdPattern.test(cell.id as string)) {
      check.fail(`id must be 1 to 64 letters, digits, "-" or "_", got ${show(cell.id)}`);
    }
    if (ids.has(cell.id as string)) check.fail(`id "${cell.id}" is used by an earlier cell too`);
    ids.add(cell.id as string);
  }
  if (typeof cell.cell_type !== "string" || !cellTypes.has(cell.cell_type)) {
    check.fail(`cell_type must be "markdown", "code" or "raw", got ${show(cell.cell_type)}`);
  }
  check.object(cell, "metadata");
  check.multiline(cell, "source");
  const tags = (cell.metadata as Record<string, unknown>).tags;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === "string"))) {
    check.fail(`metadata.tags must be a list of strings, got ${show(tags)}`);
  }
  if (cell.cell_type === "code") {
    check.countOrNull(cell, "execution_count");
    check.array(cell, "outputs");
    const outputs = cell.outputs as unknown[];
    for (let o = 0; o < outputs.length; o++) checkOutput(outputs[o], `outputs[${o}]`, check);
  } else if (cell.attachments !== undefined) {
    check.object(cell, "attachments");
    for (const [name, bundle] of Object.entries(cell.attachments as Record<string, unknown>)) {
      check.mimeBundle(bundle, `attachments[${JSON.stringify(name)}]`);
    }
  }
}

function checkOutput(output: unknown, where: string, check: FieldChecker) {
  if (!isObject(output)) check.fail(`${where} must be an object, got ${kindOf(output)}`);
  const o = output as Record<string, unknown>;
  if (typeof o.output_type !== "string" || !outputTypes.has(o.output_type)) {
    check.fail(
      `${where}.output_type must be "stream", "display_data", "execute_result" or "error", got ${show(o.output_type)}`,
    );
  }
  switch (o.output_type) {
    case "stream":
      check.string(o, "name", where);
      check.multiline(o, "text", where);
      break;
    case "execute_result":
      check.countOrNull(o, "execution_count", where);
      check.mimeBundle(o.data, `${where}.data`);
      check.object(o, "metadata", where);
      break;
    case "display_data":
      check.mimeBundle(o.data, `${where}.data`);
      check.object(o, "metadata", where);
      break;
    case "error":
      check.string(o, "ename", where);
      check.string(o, "evalue", where);
      check.array(o, "traceback", where);
      if (!(o.traceback as unknown[]).every((line) => typeof line === "string")) {
        check.fail(`${where}.traceback must be a list of strings`);
      }
      break;
  }
}

/** Throws NotebookError for one field, with the cell (if any) and the field's path. */
class FieldChecker {
  constructor(
    private readonly file: string,
    private readonly cell?: CellLocation,
  ) {}

  fail(problem: string): never {
    throw new NotebookError("ERR_NOTEBOOK_FIELD", this.file, problem, this.cell);
  }

  private field(owner: Record<string, unknown>, key: string, where?: string) {
    return { value: owner[key], name: where ? `${where}.${key}` : key };
  }

  string(owner: Record<string, unknown>, key: string, where?: string) {
    const { value, name } = this.field(owner, key, where);
    if (typeof value !== "string") this.fail(`${name} must be a string, got ${show(value)}`);
  }

  object(owner: Record<string, unknown>, key: string, where?: string) {
    const { value, name } = this.field(owner, key, where);
    if (!isObject(value)) this.fail(`${name} must be an object, got ${show(value)}`);
  }

  array(owner: Record<string, unknown>, key: string, where?: string) {
    const { value, name } = this.field(owner, key, where);
    if (!Array.isArray(value)) this.fail(`${name} must be a list, got ${show(value)}`);
  }

  integer(owner: Record<string, unknown>, key: string, min: number) {
    const { value, name } = this.field(owner, key);
    if (!Number.isSafeInteger(value) || (value as number) < min) {
      this.fail(`${name} must be an integer of at least ${min}, got ${show(value)}`);
    }
  }

  countOrNull(owner: Record<string, unknown>, key: string, where?: string) {
    const { value, name } = this.field(owner, key, where);
    if (value !== null && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      this.fail(`${name} must be null or a count (0, 1, 2, ...), got ${show(value)}`);
    }
  }

  multiline(owner: Record<string, unknown>, key: string, where?: string) {
    const { value, name } = this.field(owner, key, where);
    if (!isMultiline(value)) {
      this.fail(`${name} must be a string or a list of strings, got ${show(value)}`);
    }
  }

  mimeBundle(bundle: unknown, name: string) {
    if (!isObject(bundle))
      this.fail(`${name} must be an object of mime type -> data, got ${show(bundle)}`);
    for (const [mime, data] of Object.entries(bundle as Record<string, unknown>)) {
      // nbformat: JSON mime types carry any JSON value, every other type carries text.
      if (!isJsonMime(mime) && !isMultiline(data)) {
        this.fail(
          `${name}[${JSON.stringify(mime)}] must be a string or a list of strings, got ${show(data)}`,
        );
      }
    }
  }
}

/** `application/json` and `application/<anything>+json` hold JSON values, not text. */
export function isJsonMime(mime: string): boolean {
  return /^application\/(.+\+)?json$/.test(mime);
}

function isMultiline(value: unknown): value is MultilineString {
  return (
    typeof value === "string" || (Array.isArray(value) && value.every((s) => typeof s === "string"))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A short, safe rendering of a bad value for an error message. */
function show(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null)
    return String(value);
  return kindOf(value);
}
