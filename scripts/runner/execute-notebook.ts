/**
 * Executing whole notebooks: one fresh kernel per notebook in the notebook's folder, every code cell
 * in order, stop at the first failing cell, store the outputs only when every cell passed.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import pMap from "p-map";
import {
  joinSource,
  type Notebook,
  NotebookError,
  type Output,
  readNotebook,
  serializeNotebook,
  withCellIds,
  writeNotebook,
} from "../notebook";
import { CellFailure, type FailureKind } from "./cell-failure";
import {
  type ExecuteResult,
  type Kernel,
  KernelError,
  type StrayMessage,
  startKernel,
} from "./kernel";
import { outputProblems } from "./output-check";
import { toOutputs, tslabKernelspec } from "./outputs";
import { withPictures } from "./pictures";

/** Options for {@link executeNotebook}. */
export interface ExecuteNotebookOptions {
  /** Per-cell limit in ms. Default 60 000. */
  timeout?: number;
  /** Silence after a cell's reply that counts as cut-off output, in ms. Default 5 000. */
  idleTimeout?: number;
  /** Run but never write (tests, CI). Default false. */
  check?: boolean;
  /**
   * How long the kernel may take to start, in ms. Default 60 000; a busy shared host needs more.
   */
  startTimeout?: number;
}

/** What happened to the file. */
export type RunOutcome =
  /** Executed and the new outputs stored. */
  | "written"
  /** Executed; the stored outputs were already exactly these. */
  | "unchanged"
  /** Executed with `check`: nothing written. */
  | "checked"
  /** A cell failed or the kernel did: the file was left as it was. */
  | "failed";

/** The result of executing one notebook. */
export interface NotebookRun {
  file: string;
  outcome: RunOutcome;
  /** Why it failed: a {@link CellFailure}, a NotebookError, or a KernelError. */
  failure?: Error;
  /** The executed notebook (also when `check`), absent on failure. */
  notebook?: Notebook;
  /** Code cells executed (up to and including a failing one). */
  cellsRun: number;
  /** Output printed after its cell had finished: lost in headless runs, as nbconvert loses it. */
  warnings: string[];
  /** Kernel start (spawn to ready), in ms; absent if it never started. */
  kernelStartMs?: number;
  /** Starts it took: more than 1 when another program took one of the kernel's ports first. */
  kernelStartAttempts?: number;
  /** Each executed code cell's time, in ms, in order. */
  cellMs: number[];
  /** The whole notebook: reading, kernel start, cells, shutdown, writing. */
  totalMs: number;
}

/**
 * Executes one notebook in a fresh tslab kernel whose working directory is the notebook's folder.
 * Never throws for a failing notebook: the failure is in the result, and the file is untouched.
 */
export async function executeNotebook(
  file: string,
  options: ExecuteNotebookOptions = {},
): Promise<NotebookRun> {
  const started = performance.now();
  const run: NotebookRun = {
    file,
    outcome: "failed",
    cellsRun: 0,
    warnings: [],
    cellMs: [],
    totalMs: 0,
  };
  let kernel: Kernel | undefined;
  try {
    const { notebook: nb } = await readNotebook(file, { check: "lenient" });
    const kernelName = (nb.metadata.kernelspec as { name?: string } | undefined)?.name;
    if (kernelName !== undefined && kernelName !== tslabKernelspec.name) {
      throw new NotebookError(
        "ERR_NOT_A_NOTEBOOK",
        file,
        `its kernel is "${kernelName}"; this runner runs tslab notebooks`,
      );
    }
    kernel = await startKernel({
      cwd: path.dirname(path.resolve(file)),
      startTimeout: options.startTimeout,
    });
    run.kernelStartMs = kernel.startMs;
    run.kernelStartAttempts = kernel.startAttempts;
    const ran = await runCells(kernel, nb, run, options);
    if (run.failure) return run;
    const executed = withCellIds(ran);
    run.notebook = executed;
    if (options.check) {
      run.outcome = "checked";
    } else if ((await readFile(file, "utf8")) === serializeNotebook(executed, file)) {
      run.outcome = "unchanged";
    } else {
      await writeNotebook(file, executed);
      run.outcome = "written";
    }
    return run;
  } catch (error) {
    run.failure = error as Error;
    run.outcome = "failed";
    return run;
  } finally {
    await kernel?.shutdown();
    run.totalMs = performance.now() - started;
  }
}

/** Runs every code cell; on a failure sets run.failure and stops. Returns the executed notebook. */
async function runCells(
  kernel: Kernel,
  nb: Notebook,
  run: NotebookRun,
  options: ExecuteNotebookOptions,
): Promise<Notebook> {
  const cells = nb.cells.map((cell) => ({ ...cell }));
  /** execute_request msg_id -> cell index, to place output that arrives after its cell ended. */
  const requestCells = new Map<string, number>();
  const fail = (index: number, kind: FailureKind, detail: string) => {
    run.failure = new CellFailure({
      file: run.file,
      cellNumber: index + 1,
      cellId: cells[index].id,
      source: joinSource(cells[index].source),
      kind,
      detail,
    });
  };

  for (const [index, cell] of cells.entries()) {
    if (cell.cell_type !== "code") continue;
    cell.execution_count = null;
    const code = joinSource(cell.source);
    // Like nbclient: an empty code cell is not sent to the kernel.
    if (code.trim() === "") {
      cell.outputs = [];
      continue;
    }
    const cellStarted = performance.now();
    let result: ExecuteResult;
    try {
      result = await kernel.execute(code, {
        timeout: options.timeout ?? 60_000,
        idleTimeout: options.idleTimeout,
      });
    } catch (error) {
      // The kernel died under this cell (process.exit, a crash): name the cell, not just the kernel.
      if (!(error instanceof KernelError)) throw error;
      run.cellsRun++;
      fail(index, "error", error.message);
      return nb;
    }
    run.cellMs.push(performance.now() - cellStarted);
    run.cellsRun++;
    requestCells.set(result.requestId, index);
    const outputs = toOutputs(result.outputs);
    // Stored outputs get a PNG beside each SVG (pictures.ts): an untrusted notebook shows it.
    cell.outputs = await withPictures(outputs);

    if (result.status === "timeout") {
      const limit = (options.timeout ?? 60_000) / 1000;
      fail(
        index,
        "timeout",
        `no reply within ${limit} s (--timeout). Output so far:\n${outputText(outputs) || "(none)"}`,
      );
      return nb;
    }
    if (result.status !== "ok") {
      const text = outputText(outputs, "stderr") || outputText(outputs);
      fail(index, "error", text || `the kernel answered "${result.status}" and printed nothing`);
      return nb;
    }
    if (!result.idle) {
      fail(
        index,
        "cut-off",
        `${result.outputs.length} output messages arrived, then nothing; the last:\n${lastLines(outputText(outputs), 3)}`,
      );
      return nb;
    }
    const problem = firstProblem(outputs);
    if (problem) {
      fail(index, problem.kind, problem.detail);
      return nb;
    }
  }

  // Anything the kernel printed after a cell had ended: a failure if it reports an error (it would
  // have landed in that cell in a live notebook), else a warning (headless runs lose it).
  const strays = await kernel.settle();
  for (const [index, messages] of groupByCell(strays, requestCells)) {
    const outputs = toOutputs(messages);
    const problem = firstProblem(outputs);
    if (problem) {
      fail(index, problem.kind, `after the cell had finished:\n${problem.detail}`);
      return nb;
    }
    run.warnings.push(
      `${run.file}, cell ${index + 1}: printed after the cell had finished (lost, as in nbconvert); await the work the cell starts:\n${lastLines(outputText(outputs), 3)}`,
    );
  }

  return {
    ...nb,
    cells,
    metadata: {
      ...nb.metadata,
      kernelspec: { ...tslabKernelspec },
      // What the kernel reports, as nbconvert stores it.
      language_info: kernel.info.language_info,
    },
  };
}

/** Options for {@link executeNotebooks}. */
export interface ExecuteNotebooksOptions extends ExecuteNotebookOptions {
  /** Notebooks run at once, each in its own kernel. Default min(2, number of notebooks). */
  jobs?: number;
  /** Called as each notebook finishes (for progress lines). */
  onRun?: (run: NotebookRun) => void;
}

/**
 * Executes several notebooks, `jobs` at a time, and returns their runs in the order given. This is
 * what `npm run execute` does and what a benchmark times (see each run's kernelStartMs, cellMs,
 * totalMs).
 */
export async function executeNotebooks(
  files: readonly string[],
  options: ExecuteNotebooksOptions = {},
): Promise<NotebookRun[]> {
  const jobs = Math.max(1, options.jobs ?? Math.min(2, files.length));
  // executeNotebook never throws: a failing notebook is a run with a failure, and the rest go on.
  return pMap(
    files,
    async (file) => {
      const run = await executeNotebook(file, options);
      options.onRun?.(run);
      return run;
    },
    { concurrency: jobs },
  );
}

function firstProblem(
  outputs: readonly Output[],
): { kind: FailureKind; detail: string } | undefined {
  const problems = outputProblems(outputs);
  if (problems.length === 0) return undefined;
  const { kind } = problems[0];
  // For a check, every FAIL line (with its hint); otherwise the whole error text around it.
  const detail =
    kind === "check"
      ? problems
          .filter((p) => p.kind === "check")
          .map((p) => p.line)
          .join("\n")
      : outputText(outputs, "stderr") || problems[0].line;
  return { kind, detail };
}

/** The text of the stream outputs, of one stream or both. */
function outputText(outputs: readonly Output[], name?: "stdout" | "stderr"): string {
  return outputs
    .map((output) =>
      output.output_type === "stream" && (name === undefined || output.name === name)
        ? Array.isArray(output.text)
          ? output.text.join("")
          : output.text
        : "",
    )
    .join("")
    .replace(/\n+$/, "");
}

function lastLines(text: string, count: number): string {
  return text.split("\n").slice(-count).join("\n");
}

function groupByCell(strays: readonly StrayMessage[], requestCells: Map<string, number>) {
  const byCell = new Map<number, StrayMessage["message"][]>();
  for (const { parentId, message } of strays) {
    const index = requestCells.get(parentId);
    if (index === undefined) continue;
    byCell.set(index, [...(byCell.get(index) ?? []), message]);
  }
  return [...byCell].sort(([a], [b]) => a - b);
}
