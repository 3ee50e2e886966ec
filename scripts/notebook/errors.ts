/**
 * The one error a notebook that cannot be used gives, whoever reads it: the message names the file
 * and, where it applies, the cell, so an author can open the notebook and fix it.
 */

/** Why a notebook was refused; `code` tells the kinds apart for scripts and tests. */
export type NotebookErrorCode =
  /** Not UTF-8. */
  | "ERR_NOTEBOOK_ENCODING"
  /** Not JSON. */
  | "ERR_NOTEBOOK_JSON"
  /** Not an nbformat 4 notebook, missing, or too deeply nested to write out. */
  | "ERR_NOTEBOOK_FORMAT"
  /** A field the strict check refuses. */
  | "ERR_NOTEBOOK_FIELD"
  /** A cell the handouts could not render. */
  | "ERR_NOTEBOOK_RENDER"
  /** Exercise solution markers that do not pair up. */
  | "ERR_SOLUTION_MARKERS"
  /**
   * What the lenient check (the runner's) refuses: no .ipynb, no cells, not nbformat 4, not tslab.
   */
  | "ERR_NOT_A_NOTEBOOK";

/** Where in a notebook a problem is: `index` counts cells from 1, as a reader counts them. */
export interface CellLocation {
  index: number;
  id?: string;
}

/**
 * A notebook a script cannot use, with the file and (where it applies) the cell.
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
    // The runner's refusals read as a sentence ("x is not a Jupyter notebook: ..."), as its
    // command line has always printed them.
    super(
      code === "ERR_NOT_A_NOTEBOOK"
        ? `${file} is not a Jupyter notebook: ${problem}`
        : `${file}: ${cell ? `${describeCell(cell)}: ` : ""}${problem}`,
      options,
    );
    this.code = code;
    this.file = file;
    this.cell = cell;
  }
}

/** "cell 4 (id "l03-bind")": how errors and labels refer to a cell. */
export function describeCell(cell: CellLocation): string {
  return cell.id === undefined ? `cell ${cell.index}` : `cell ${cell.index} (id "${cell.id}")`;
}
