/** The error a notebook run ends with when one of its cells fails. */

/** How the cell failed. */
export type FailureKind =
  /**
   * execute_reply status "error": a throw, a rejected await, a type error; or an error report on
   * stderr.
   */
  | "error"
  /**
   * tslab's `UncaughtException:` / `UnhandledPromiseRejection:` on stderr, while the status was
   * "ok".
   */
  | "background"
  /** The reply came but the kernel's idle status never did: it dropped the cell's output. */
  | "cut-off"
  /** No reply within the per-cell timeout. */
  | "timeout"
  /** An exercise check printed a line starting with "FAIL". */
  | "check";

const headlines: Record<FailureKind, string> = {
  error: "the cell failed",
  background: "an error was thrown where nothing awaited it (a timer, a callback, a promise)",
  "cut-off":
    "the cell's output was cut off: the kernel dropped messages (tslab loses output past about 500 messages in a burst), print fewer lines",
  timeout: "the cell did not finish in time",
  check: "an exercise check failed",
};

/** What a run knows about a failing cell. */
export interface CellFailureDetails {
  /** The notebook, as given on the command line. */
  file: string;
  /** 1-based position among all the notebook's cells (markdown included), as an editor counts. */
  cellNumber: number;
  cellId?: string;
  source: string;
  kind: FailureKind;
  /** The error text: what the cell wrote to stderr, the FAIL lines, or what went wrong. */
  detail: string;
}

/**
 * A cell failed. The message names the notebook, the cell (number and id), the first lines of its
 * source and the error text, ready to print.
 */
export class CellFailure extends Error implements CellFailureDetails {
  override name = "CellFailure";
  readonly code = "ERR_CELL_FAILED";
  readonly file: string;
  readonly cellNumber: number;
  readonly cellId?: string;
  readonly source: string;
  readonly kind: FailureKind;
  readonly detail: string;

  constructor(details: CellFailureDetails) {
    super(describe(details));
    this.file = details.file;
    this.cellNumber = details.cellNumber;
    this.cellId = details.cellId;
    this.source = details.source;
    this.kind = details.kind;
    this.detail = details.detail;
  }
}

/** Source lines shown in a failure; the rest is summarised. */
const sourceLines = 8;
/** Error lines shown in a failure: enough for a message and the top of a stack. */
const detailLines = 20;

function describe({ file, cellNumber, cellId, source, kind, detail }: CellFailureDetails): string {
  const where = `${file}, cell ${cellNumber}${cellId ? ` (id "${cellId}")` : ""}`;
  const lines = source.replace(/\n$/, "").split("\n");
  const shown = lines
    .slice(0, sourceLines)
    .map((line, i) => `  ${String(i + 1).padStart(3)} | ${line}`);
  if (lines.length > sourceLines)
    shown.push(`      | ... ${lines.length - sourceLines} more lines`);
  const text = trimStack(detail).split("\n");
  const details = text.slice(0, detailLines);
  if (text.length > detailLines) details.push(`... ${text.length - detailLines} more lines`);
  return [`${where}: ${headlines[kind]}`, ...shown, ...details.map((line) => `  ${line}`)].join(
    "\n",
  );
}

/** Stack frames inside Node or tslab say nothing about the lesson: leave them out. */
function trimStack(text: string): string {
  return text
    .replace(/\n+$/, "")
    .split("\n")
    .filter((line) => !/^\s+at .*(node:|node_modules[\\/]tslab|sigintHandlersWrap)/.test(line))
    .join("\n");
}
