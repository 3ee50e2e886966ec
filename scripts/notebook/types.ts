/**
 * The nbformat 4 notebook, as a file holds it: the one model every script reads and writes
 * (handouts, student editions, the runner, the grader).
 */

/** A notebook string field: Jupyter stores text either whole or as a list of lines. */
export type MultilineString = string | string[];

/** Output data keyed by mime type. JSON types (`application/json`, `*+json`) hold any JSON value. */
export type MimeBundle = Record<string, unknown>;

/** A cell's metadata: front ends add their own keys, which are kept as they are. */
export interface CellMetadata {
  /** "solution" and "check" mark exercise cells (see the README's exercise checks). */
  tags?: string[];
  [key: string]: unknown;
}

/** What every kind of cell has. */
interface CellBase {
  /** Required from nbformat 4.5 on; stable ids like "l03-bind" in this course. */
  id?: string;
  metadata: CellMetadata;
  source: MultilineString;
}

/** Prose: the lesson's text, rendered by the handouts. */
export interface MarkdownCell extends CellBase {
  cell_type: "markdown";
  /** Images pasted into the cell, referenced as `attachment:name.png`. */
  attachments?: Record<string, MimeBundle>;
}

/** Text passed through unrendered (nbconvert's raw cells); the course has none, but Jupyter allows them. */
export interface RawCell extends CellBase {
  cell_type: "raw";
  attachments?: Record<string, MimeBundle>;
}

/** Code the kernel runs, with the outputs its last run stored. */
export interface CodeCell extends CellBase {
  cell_type: "code";
  execution_count: number | null;
  outputs: Output[];
}

/** One cell of a notebook: the `cell_type` tells the kinds apart. */
export type Cell = MarkdownCell | RawCell | CodeCell;

/** Text a cell printed on stdout or stderr. */
export interface StreamOutput {
  output_type: "stream";
  name: string;
  text: MultilineString;
}

/** Something a cell displayed (a diagram, HTML), by mime type. */
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** The value of a cell's last expression, by mime type. */
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** An error the kernel reported as such (tslab reports its errors as stderr text instead). */
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A cell's output, as nbformat stores it. */
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** A whole notebook file. */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}
