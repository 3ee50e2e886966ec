/**
 * The one nbformat model of the project: read (strictly or leniently), check, and write byte for
 * byte as Jupyter writes. The handouts, the student editions, the runner and the grader all use it.
 *
 * types.ts      the notebook as a file holds it (cells, outputs, mime bundles)
 * errors.ts     NotebookError, naming the file and the cell
 * read.ts       bytes -> UTF-8 -> JSON -> checked notebook
 * validate.ts   the strict check (every field we read) and the lenient one (what the runner needs)
 * text.ts       multi-line fields joined, and split as Python's splitlines does
 * serialize.ts  the notebook as Jupyter writes it; atomic writes
 */
export { type CellLocation, describeCell, NotebookError, type NotebookErrorCode } from "./errors";
export { parseNotebook, type ReadOptions, readNotebook } from "./read";
export { serializeNotebook, withCellIds, writeNotebook } from "./serialize";
export { joinSource, splitLines } from "./text";
export type {
  Cell,
  CellMetadata,
  CodeCell,
  DisplayDataOutput,
  ErrorOutput,
  ExecuteResultOutput,
  MarkdownCell,
  MimeBundle,
  MultilineString,
  Notebook,
  Output,
  RawCell,
  StreamOutput,
} from "./types";
export { checkNotebook, checkNotebookShape, isJsonMime, type NotebookCheck } from "./validate";
