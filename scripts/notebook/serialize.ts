/**
 * Notebook files (nbformat 4.5) read and written the way Jupyter does, so that executing a notebook
 * changes nothing in git but its outputs.
 *
 * Jupyter's writer (nbformat's JSONWriter) sorts keys, indents by one space, splits multi-line
 * strings into lists of lines and ends the file with a newline; the same here.
 */
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Message } from "../runner/messaging";

/** Multi-line text as stored: one string, or the lines with their "\n" (how Jupyter writes it). */
export type MultilineString = string | string[];

/** A cell's output, as nbformat stores it. */
export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: MultilineString }
  | {
      output_type: "display_data";
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
    }
  | {
      output_type: "execute_result";
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
      execution_count: number | null;
    }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** A notebook cell (the fields this project uses; others are kept as they are). */
export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  metadata: Record<string, unknown> & { tags?: string[] };
  source: MultilineString;
  outputs?: Output[];
  execution_count?: number | null;
  [key: string]: unknown;
}

/** A notebook. */
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** The kernelspec every lesson names (notebooks.md). */
export const tslabKernelspec = {
  name: "tslab",
  display_name: "TypeScript",
  language: "typescript",
} as const;

/** The file is not a Jupyter notebook this runner can execute. */
export class NotANotebookError extends Error {
  override name = "NotANotebookError";
  readonly code = "ERR_NOT_A_NOTEBOOK";
  constructor(
    readonly file: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${file} is not a Jupyter notebook: ${reason}`, options);
  }
}

/**
 * Reads and checks a notebook file: JSON with `cells` and nbformat 4.
 *
 * @throws {NotANotebookError} for anything else, saying what is wrong.
 * @example
 * const nb = await readNotebook("notebooks/01_client_server_model.ipynb");
 * nb.cells.length;
 */
export async function readNotebook(file: string): Promise<Notebook> {
  if (path.extname(file) !== ".ipynb") {
    throw new NotANotebookError(file, "the name does not end in .ipynb");
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : `cannot be read (${code})`;
    throw new NotANotebookError(file, reason, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NotANotebookError(file, `not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof json !== "object" || json === null || !Array.isArray((json as Notebook).cells)) {
    throw new NotANotebookError(file, 'no "cells" list');
  }
  const nb = json as Notebook;
  if (nb.nbformat !== 4) {
    throw new NotANotebookError(file, `nbformat ${nb.nbformat}, this runner reads nbformat 4`);
  }
  return nb;
}

/** A cell's source as one string. */
export function sourceText(cell: Pick<Cell, "source">): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/**
 * Turns a cell's iopub messages into the outputs Jupyter stores: consecutive stream messages of
 * the same name merged into one output and "\r" rewrites applied (as nbconvert does), display_data and
 * execute_result with their data and metadata, error as ename/evalue/traceback. Transient fields
 * (display_id) are not stored; update_display_data replaces the data of the output it names.
 *
 * @example
 * cell.outputs = toOutputs(result.outputs);
 */
export function toOutputs(messages: readonly Message[]): Output[] {
  const outputs: Output[] = [];
  const displays = new Map<string, Output[]>();
  for (const message of messages) {
    const content = message.content as Record<string, unknown>;
    const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
    switch (message.header.msg_type) {
      case "stream": {
        const name = content.name as "stdout" | "stderr";
        const text = String(content.text ?? "");
        const last = outputs.at(-1);
        if (last?.output_type === "stream" && last.name === name) {
          last.text = `${last.text}${text}`;
        } else {
          outputs.push({ output_type: "stream", name, text });
        }
        break;
      }
      case "display_data":
      case "execute_result": {
        const output: Output =
          message.header.msg_type === "display_data"
            ? {
                output_type: "display_data",
                data: (content.data as Record<string, unknown>) ?? {},
                metadata: (content.metadata as Record<string, unknown>) ?? {},
              }
            : {
                output_type: "execute_result",
                data: (content.data as Record<string, unknown>) ?? {},
                metadata: (content.metadata as Record<string, unknown>) ?? {},
                execution_count: null,
              };
        outputs.push(output);
        if (displayId) displays.set(displayId, [...(displays.get(displayId) ?? []), output]);
        break;
      }
      case "update_display_data": {
        for (const output of displayId ? (displays.get(displayId) ?? []) : []) {
          if (output.output_type === "display_data" || output.output_type === "execute_result") {
            output.data = (content.data as Record<string, unknown>) ?? {};
            output.metadata = (content.metadata as Record<string, unknown>) ?? {};
          }
        }
        break;
      }
      case "clear_output":
        outputs.length = 0;
        break;
      case "error":
        outputs.push({
          output_type: "error",
          ename: String(content.ename ?? ""),
          evalue: String(content.evalue ?? ""),
          traceback: (content.traceback as string[]) ?? [],
        });
        break;
    }
  }
  // nbconvert's coalesce_streams: a line rewritten with "\r" (a progress counter) keeps only what
  // a terminal would show last.
  for (const output of outputs) {
    if (output.output_type === "stream" && typeof output.text === "string") {
      output.text = output.text.replace(/[^\n]*\r(?=[^\n])/g, "");
    }
  }
  return outputs;
}

/** A copy of `nb` with every code cell's outputs cleared and execution_count null. */
export function clearOutputs(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((cell) =>
      cell.cell_type === "code" ? { ...cell, outputs: [], execution_count: null } : cell,
    ),
  };
}

/**
 * The notebook as Jupyter writes it: keys sorted, one-space indent, multi-line strings split into
 * lines, a final newline. Cells get an id if they have none (nbformat 4.5 requires one), and
 * nbformat_minor is raised to 5 for that reason.
 *
 * @example
 * await writeFile(file, serializeNotebook(nb));
 */
export function serializeNotebook(nb: Notebook): string {
  const taken = new Set(nb.cells.map((cell) => cell.id).filter(Boolean));
  let next = 0;
  const freshId = () => {
    let id: string;
    do id = `cell-${next++}`;
    while (taken.has(id));
    taken.add(id);
    return id;
  };
  const cells = nb.cells.map((cell) => {
    const out: Cell = { ...cell, id: cell.id ?? freshId(), source: splitLines(sourceText(cell)) };
    if (cell.cell_type === "code") {
      out.outputs = (cell.outputs ?? []).map(splitOutput);
      out.execution_count = cell.execution_count ?? null;
    }
    return out;
  });
  const minor = Math.max(nb.nbformat_minor ?? 0, 5);
  return `${JSON.stringify(sortKeys({ ...nb, cells, nbformat_minor: minor }), null, 1)}\n`;
}

/**
 * Writes a notebook through a temporary file and a rename, so a crash or a kill mid-write never
 * leaves half a notebook behind.
 *
 * @example
 * await writeNotebook("notebooks/01_client_server_model.ipynb", nb);
 */
export async function writeNotebook(file: string, nb: Notebook): Promise<void> {
  const text = serializeNotebook(nb);
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`,
  );
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Where Python's `str.splitlines()` breaks a line, besides "\r\n". */
const lineBreaks = new Set([
  "\n",
  "\r",
  "\v",
  "\f",
  "\x1c",
  "\x1d",
  "\x1e",
  "\x85",
  "\u2028",
  "\u2029",
]);

/**
 * Python's `str.splitlines(True)`, which nbformat uses: lines keep their line break, no empty
 * last line. Matching it exactly keeps a re-run notebook byte-identical to one Jupyter saved.
 */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!lineBreaks.has(text[i])) continue;
    if (text[i] === "\r" && text[i + 1] === "\n") i++;
    lines.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** nbformat splits text/* (and a few other) mime data and stream text into lines. */
function splitOutput(output: Output): Output {
  if (output.output_type === "stream") {
    return { ...output, text: splitLines(joinText(output.text)) };
  }
  if (output.output_type === "display_data" || output.output_type === "execute_result") {
    const data: Record<string, unknown> = {};
    for (const [mime, value] of Object.entries(output.data)) {
      const splittable =
        mime.startsWith("text/") || mime === "application/javascript" || mime === "image/svg+xml";
      data[mime] =
        splittable && (typeof value === "string" || Array.isArray(value))
          ? splitLines(joinText(value as MultilineString))
          : value;
    }
    return { ...output, data };
  }
  return output;
}

function joinText(text: MultilineString): string {
  return Array.isArray(text) ? text.join("") : text;
}

/** Recursively sorts object keys (Python's `json.dumps(sort_keys=True)`); arrays keep their order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
