/**
 * Which notebook cells ran and which failed, seen from inside the tslab kernel, so that an
 * exercise check can tell "your code cell above did not run" from a wrong answer.
 *
 * A cell that fails to compile (a type error) or throws defines nothing, and a check run after it
 * would test what the cell defined before: in a student's notebook the placeholder that throws
 * "Exercise not done yet", although the student did write code. tslab gives each cell execution
 * its own `process.stdout.write` and `process.stderr.write` (tslab/dist/jupyter.js,
 * handleExecuteImpl) and prints a failing cell's error on stderr, so the helper watches those two
 * assignments: one per cell run, and the error text that run printed.
 */

/** What the watch needs of `process.stdout` and `process.stderr`. */
export interface WritableLike {
  write: (...args: never[]) => unknown;
}

/** The watch over a Jupyter kernel's cell runs. */
export interface CellRuns {
  /** Cell runs seen so far (the one running now included). */
  readonly count: number;
  /**
   * Whether the last cell run before this one that was not a check failed (an error on its
   * stderr): the student's code cell, also when its check is run a second time.
   */
  previousFailed(): boolean;
  /** Notes that the cell running now is a check (it is skipped by {@link previousFailed}). */
  markCheck(): void;
}

/** How tslab reports a failing cell: a type error (`1:24 - ...`) or a thrown error's text. */
const failureReport =
  /^(?:\d+:\d+ - |evalmachine\.<anonymous>:\d+|(?:[A-Z]\w*)?Error(?: \[\w+\])?: )/m;

/** Errors thrown where no cell awaited them land in whichever cell runs: not that cell's fault. */
const backgroundReport = /^(?:UncaughtException|UnhandledPromiseRejection):/;

/**
 * Watches the cell runs of a Jupyter kernel that assigns `stdout.write` and `stderr.write` at the start of
 * each run, as tslab does. Text written to `stderr` still reaches the Jupyter kernel's own `write`.
 */
export function watchCellRuns(stdout: WritableLike, stderr: WritableLike): CellRuns {
  // Whether the last run that was not a check failed, and what the run going on now is.
  let lastCodeFailed = false;
  let now = { failed: false, check: false };
  let count = 1;
  let currentOut = stdout.write;
  let currentErr = stderr.write;
  const erring = function (this: unknown, ...args: unknown[]) {
    const [chunk] = args;
    const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString() : "";
    if (!backgroundReport.test(text) && failureReport.test(text)) now.failed = true;
    const written = (currentErr as (...a: unknown[]) => unknown).apply(this, args);
    // A check cell that names a function its failed cell never defined does not even compile.
    const missing = lastCodeFailed ? /Cannot find name '(\w+)'/.exec(text) : null;
    if (missing) {
      (currentErr as (...a: unknown[]) => unknown).call(
        this,
        `(${missing[1]} does not exist: your code cell above did not run: look at its error)\n`,
      );
    }
    return written;
  };
  Object.defineProperty(stdout, "write", {
    configurable: true,
    get: () => currentOut,
    set: (write) => {
      currentOut = write;
      if (!now.check) lastCodeFailed = now.failed;
      now = { failed: false, check: false };
      count++;
    },
  });
  Object.defineProperty(stderr, "write", {
    configurable: true,
    get: () => erring,
    set: (write) => {
      currentErr = write;
    },
  });
  return {
    get count() {
      return count;
    },
    previousFailed: () => lastCodeFailed,
    markCheck: () => {
      now.check = true;
    },
  };
}

let kernelRuns: CellRuns | undefined;

/**
 * The watch over this tslab kernel's cell runs, started the first time it is asked for (the
 * helper asks when it is imported); undefined outside tslab (vitest, scripts).
 */
export function cellRuns(): CellRuns | undefined {
  if (kernelRuns === undefined && (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined) {
    kernelRuns = watchCellRuns(process.stdout, process.stderr);
  }
  return kernelRuns;
}

/** Puts a watch in place of the Jupyter kernel's (tests: a fake one's streams), or removes it. */
export function useCellRuns(runs: CellRuns | undefined): void {
  kernelRuns = runs;
}
