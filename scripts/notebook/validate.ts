/**
 * Checking a parsed notebook: strictly, every field the handouts, the student editions and the
 * grader rely on, or leniently, only what the runner needs to execute it.
 *
 * The strict check follows nbformat 4's JSON schema for the parts we read (cells, sources, outputs,
 * mime bundles) and stops at the first problem with a message that names the file, the cell
 * (number and id) and the field. Fields we never read (metadata beyond `tags`) are left alone:
 * Jupyter front ends add their own.
 */
import { type CellLocation, NotebookError } from "./errors";
import type { MultilineString, Notebook } from "./types";

/** How closely a notebook is checked: every field ("strict") or only what executing needs. */
export type NotebookCheck = "strict" | "lenient";

/**
 * What the runner needs: an object with a list of cells, nbformat 4. Code cells without outputs or
 * execution_count get empty ones, so the result is a {@link Notebook} like any other.
 *
 * @throws NotebookError (ERR_NOT_A_NOTEBOOK) saying what is missing
 */
export function checkNotebookShape(value: unknown, file: string): Notebook {
  if (!isObject(value) || !Array.isArray(value.cells)) {
    throw new NotebookError("ERR_NOT_A_NOTEBOOK", file, 'no "cells" list');
  }
  if (value.nbformat !== 4) {
    throw new NotebookError(
      "ERR_NOT_A_NOTEBOOK",
      file,
      `nbformat ${value.nbformat}, this runner reads nbformat 4`,
    );
  }
  for (const cell of value.cells as Record<string, unknown>[]) {
    if (!isObject(cell)) continue;
    if (cell.cell_type === "code") {
      cell.outputs ??= [];
      cell.execution_count ??= null;
    }
  }
  value.metadata ??= {};
  return value as unknown as Notebook;
}

const cellTypes = new Set(["markdown", "code", "raw"]);
const outputTypes = new Set(["stream", "display_data", "execute_result", "error"]);
const cellIdPattern = /^[a-zA-Z0-9-_]{1,64}$/;

/**
 * Checks an already parsed JSON value as an nbformat 4 notebook and returns it typed.
 *
 * @throws NotebookError naming the file, the cell and the field at fault
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
