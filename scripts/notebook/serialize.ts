/**
 * Writing a notebook byte for byte as Jupyter does, so that a script that rewrites one (executing
 * it, making its student edition) changes nothing in git but what it meant to change.
 *
 * Jupyter's writer (nbformat's `writes`) splits multi-line strings into lists of lines
 * (`split_lines`), then calls `json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True)` and
 * adds a newline. `JSON.stringify` with one space of indent writes the same bytes for what
 * notebooks hold (strings, integers, lists, objects); non-ASCII is kept as it is, like
 * `ensure_ascii=False`.
 */
import { writeFileAtomic } from "../fs/atomic-write";
import { NotebookError } from "./errors";
import { joinSource, splitLines } from "./text";
import type { Cell, MimeBundle, Notebook, Output } from "./types";

/**
 * The notebook as Jupyter writes it: keys sorted, one-space indent, multi-line strings split into
 * lines, non-ASCII kept, a final newline.
 *
 * @param file the path to name in errors
 * @throws NotebookError when the notebook is nested too deeply to write out
 */
export function serializeNotebook(notebook: Notebook, file = "notebook"): string {
  try {
    const cells = notebook.cells.map(splitCell);
    return `${JSON.stringify(sortKeys({ ...notebook, cells }), null, 1)}\n`;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new NotebookError(
      "ERR_NOTEBOOK_FORMAT",
      file,
      "cannot be written back out: its metadata is nested too deeply",
      undefined,
      { cause: error },
    );
  }
}

/**
 * A copy in which every cell has an id (nbformat 4.5 requires one; "cell-0", "cell-1", ... where
 * missing) and nbformat_minor is at least 5 for that reason: what the runner stores.
 */
export function withCellIds(notebook: Notebook): Notebook {
  const taken = new Set(notebook.cells.map((cell) => cell.id).filter(Boolean));
  let next = 0;
  const freshId = () => {
    let id: string;
    do id = `cell-${next++}`;
    while (taken.has(id));
    taken.add(id);
    return id;
  };
  return {
    ...notebook,
    cells: notebook.cells.map((cell) => ({ ...cell, id: cell.id ?? freshId() })),
    nbformat_minor: Math.max(notebook.nbformat_minor ?? 0, 5),
  };
}

/**
 * Writes a notebook as Jupyter writes it (see serializeNotebook), atomically.
 */
export async function writeNotebook(file: string, notebook: Notebook): Promise<void> {
  await writeFileAtomic(file, serializeNotebook(notebook, file));
}

/** nbformat's split_lines for one cell: its source, its attachments, its outputs. */
function splitCell(cell: Cell): Cell {
  const out = { ...cell, source: splitLines(joinSource(cell.source)) } as Cell;
  if (out.cell_type === "code") {
    // A notebook read leniently may lack these; Jupyter writes them always.
    out.outputs = (out.outputs ?? []).map(splitOutput);
    out.execution_count = out.execution_count ?? null;
  } else if (out.attachments !== undefined) {
    out.attachments = Object.fromEntries(
      Object.entries(out.attachments).map(([name, bundle]) => [name, splitBundle(bundle)]),
    );
  }
  return out;
}

function splitOutput(output: Output): Output {
  if (output.output_type === "stream") {
    return { ...output, text: splitLines(joinSource(output.text)) };
  }
  if (output.output_type === "display_data" || output.output_type === "execute_result") {
    return { ...output, data: splitBundle(output.data) };
  }
  return output;
}

/** nbformat splits text/* mime data, JavaScript and SVG into lines; other types stay whole. */
function splitBundle(bundle: MimeBundle): MimeBundle {
  const data: MimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    const splittable =
      mime.startsWith("text/") || mime === "application/javascript" || mime === "image/svg+xml";
    data[mime] =
      splittable && (typeof value === "string" || Array.isArray(value))
        ? splitLines(joinSource(value as string | string[]))
        : value;
  }
  return data;
}

/**
 * Recursively sorts object keys (Python's `json.dumps(sort_keys=True)`); arrays keep their order.
 */
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
