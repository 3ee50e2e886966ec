/**
 * Running one notebook for grading: every code cell in order in a fresh tslab kernel, going on
 * past failing cells (a failing exercise is a grade, and the next exercise still counts), with
 * limits per cell and per notebook, and an end to the run when the kernel dies or hangs for good.
 */
import type { Output } from "../notebook";
import { type Kernel, KernelError, startKernel } from "../runner/kernel";
import { outputProblems } from "../runner/output-check";
import { toOutputs } from "../runner/outputs";
import { watchMemory } from "./memory";
import { sandboxOf, sweep, watchSandbox } from "./sweep";

/** The limits a run is held to. */
export interface RunLimits {
  /** Per cell, in ms. */
  cellMs: number;
  /** Per notebook (kernel start excluded), in ms. */
  notebookMs: number;
  /**
   * The kernel's heap, in MB (node's --max-old-space-size); its whole resident memory may reach
   * this plus {@link kernelOverheadMb} (memory.ts).
   */
  memoryMb: number;
  /** Output kept per cell, in bytes. */
  outputBytes: number;
}

/** How one cell ended. */
export type CellStatus =
  /** It finished and printed no error. */
  | "ok"
  /** It threw, failed to compile, or reported an error (stderr, a background error). */
  | "error"
  /** It ran out of its time (the cell's or the notebook's) and was interrupted. */
  | "timeout"
  /** Its output was cut off or too big to keep: some of it is missing. */
  | "lost-output";

/** One executed cell. */
export interface CellRun {
  id?: string;
  status: CellStatus;
  outputs: Output[];
  /** What went wrong, in a line or a few (status other than "ok"). */
  problem?: string;
}

/** Why a run ended before its last cell. */
export interface RunStop {
  status: "timeout" | "error";
  /** Said to the student and the instructor for every check not reached. */
  reason: string;
}

/** What a graded run produced. */
export interface GradedRun {
  /** By cell id (cells without an id are run but not kept). */
  cells: Map<string, CellRun>;
  stop?: RunStop;
  /** The kernel never started: not the student's doing, the run says nothing about the code. */
  startFailure?: string;
  kernelStartMs?: number;
  totalMs: number;
}

/** What startKernel needs besides the folder: the launcher (sandbox.ts) and the environment. */
export type KernelLaunch = Omit<Parameters<typeof startKernel>[0], "cwd">;

/** What a kernel running a lesson takes besides its heap: tslab's compiler, code, buffers. */
export const kernelOverheadMb = 512;

/** tslab answers "abort" for 200 ms after a failed cell (jupyter.js, execQueue.reset(200)). */
const abortWindowMs = 250;
/**
 * How long an interrupted kernel gets to answer again before it is given up: half a cell's time,
 * at least 10 s (a loaded machine needs seconds for the interrupt and the reply).
 */
const interruptGraceMs = (limits: RunLimits) => Math.max(10_000, limits.cellMs / 2);

/**
 * Runs `cells` (code cells only, in order) in a fresh kernel in `cwd` and returns each one's
 * outcome. Never throws for what the code does; the kernel is always shut down.
 */
export async function runForGrading(
  cells: ReadonlyArray<{ id?: string; source: string }>,
  options: { cwd: string; launch: KernelLaunch; limits: RunLimits },
): Promise<GradedRun> {
  const started = performance.now();
  const { limits } = options;
  const run: GradedRun = { cells: new Map(), totalMs: 0 };
  let kernel: Kernel;
  try {
    kernel = await startKernel({
      ...options.launch,
      cwd: options.cwd,
      maxOutputBytes: limits.outputBytes,
    });
  } catch (error) {
    run.startFailure = `the Jupyter kernel could not start: ${firstLines((error as Error).message, 3)}`;
    run.totalMs = performance.now() - started;
    return run;
  }
  run.kernelStartMs = kernel.startMs;
  const sandbox = sandboxOf(kernel.pid);
  watchSandbox(sandbox);
  let overMemory = false;
  const stopWatch = watchMemory(kernel.pid, limits.memoryMb + kernelOverheadMb, () => {
    overMemory = true;
  });
  const deadline = performance.now() + limits.notebookMs;
  let lastFailed = false;
  try {
    for (const cell of cells) {
      if (cell.source.trim() === "") continue;
      const left = deadline - performance.now();
      if (left <= 0) {
        run.stop = notebookOutOfTime(limits);
        break;
      }
      if (lastFailed) await sleep(abortWindowMs);
      const byNotebook = left < limits.cellMs;
      let result: Awaited<ReturnType<Kernel["execute"]>>;
      try {
        result = await kernel.execute(cell.source, { timeout: Math.min(left, limits.cellMs) });
        // A request that still fell into the abort window was not run: send it once more.
        for (let retry = 0; result.status === "abort" && retry < 3; retry++) {
          await sleep(abortWindowMs);
          result = await kernel.execute(cell.source, { timeout: Math.min(left, limits.cellMs) });
        }
      } catch (error) {
        if (!(error instanceof KernelError)) throw error;
        const reason = !overMemory
          ? died(error.message, cell.id, limits)
          : `the Jupyter kernel died in cell ${cell.id ?? "(no id)"}: it ran out of memory (more than ${limits.memoryMb + kernelOverheadMb} MB in all, Buffers included; the heap limit is ${limits.memoryMb} MB, --memory)`;
        keep(run, cell.id, { status: "error", outputs: [], problem: reason });
        run.stop = { status: "error", reason: `not run: ${reason}` };
        break;
      }
      const outputs = toOutputs(result.outputs);
      const cellRun: CellRun = { id: cell.id, status: "ok", outputs };
      lastFailed = false;
      if (result.status === "timeout") {
        cellRun.status = "timeout";
        cellRun.problem = byNotebook
          ? `the notebook's time limit of ${seconds(limits.notebookMs)} ran out in this cell (--notebook-timeout)`
          : `the cell ran out of its ${seconds(limits.cellMs)} (--timeout): does something wait or loop forever?`;
        keep(run, cell.id, cellRun);
        if (byNotebook) {
          run.stop = notebookOutOfTime(limits);
          break;
        }
        kernel.interrupt();
        try {
          await kernel.settle(interruptGraceMs(limits));
        } catch {
          run.stop = {
            status: "timeout",
            reason: `not run: cell ${cell.id ?? "(no id)"} ran out of time and the Jupyter kernel did not answer after it was interrupted`,
          };
          break;
        }
        lastFailed = true;
        continue;
      }
      if (result.dropped > 0 || !result.idle) {
        cellRun.status = "lost-output";
        cellRun.problem =
          result.dropped > 0
            ? `the cell printed more than ${Math.round(limits.outputBytes / 1024)} KB: the rest of its output was thrown away`
            : "the cell's output was cut off (tslab drops output past about 500 messages in a burst): print fewer lines";
      } else if (result.status !== "ok") {
        cellRun.status = "error";
        cellRun.problem = errorText(outputs) || `the Jupyter kernel answered "${result.status}"`;
        lastFailed = true;
      } else {
        const problem = outputProblems(outputs).find((p) => p.kind !== "check");
        if (problem) {
          cellRun.status = "error";
          cellRun.problem = errorText(outputs) || problem.line;
        }
      }
      keep(run, cell.id, cellRun);
    }
  } finally {
    stopWatch();
    await kernel.shutdown();
    sweep(sandbox);
    run.totalMs = performance.now() - started;
  }
  return run;
}

function keep(run: GradedRun, id: string | undefined, cell: CellRun): void {
  if (id !== undefined) run.cells.set(id, cell);
}

function notebookOutOfTime(limits: RunLimits): RunStop {
  return {
    status: "timeout",
    reason: `not run: the notebook's time limit of ${seconds(limits.notebookMs)} ran out (--notebook-timeout)`,
  };
}

/** Why the kernel died, in a student's words: memory, an exit, or a crash. */
function died(log: string, cellId: string | undefined, limits: RunLimits): string {
  const where = `the Jupyter kernel died in cell ${cellId ?? "(no id)"}`;
  if (/heap out of memory|Reached heap limit/.test(log)) {
    return `${where}: it ran out of memory (the limit is ${limits.memoryMb} MB, --memory)`;
  }
  const exit = /exited \(([^)]+)\)/.exec(log);
  return `${where} (${exit ? exit[1] : "it stopped"}): does the code call process.exit() or crash it?`;
}

/** The stderr text of a cell, stack frames of Node and tslab left out, a few lines at most. */
export function errorText(outputs: readonly Output[]): string {
  const text = outputs
    .map((o) =>
      o.output_type === "stream" && o.name === "stderr"
        ? Array.isArray(o.text)
          ? o.text.join("")
          : o.text
        : o.output_type === "error"
          ? `${o.ename}: ${o.evalue}\n`
          : "",
    )
    .join("");
  const lines = text.split("\n").filter((line) => line.trim() !== "" && !/^\s+at /.test(line));
  return firstLines(lines.join("\n"), 4);
}

function firstLines(text: string, count: number): string {
  const lines = text.trim().split("\n");
  const shown = lines
    .slice(0, count)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}...` : line));
  return shown.join("\n");
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
