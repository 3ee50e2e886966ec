/**
 * `npm run execute [-- [options] [NOTEBOOK...]]`: re-runs notebooks in the real tslab kernel, as
 * Jupyter would, and stores their outputs. Node is all it needs (no Python, no Jupyter).
 *
 * Options:
 *   --timeout SECONDS  per cell (default 60)
 *   --jobs N           notebooks at once, one kernel each (default min(2, count))
 *   --check            run but write nothing (tests, CI)
 *
 * Exit status: 0 when every cell of every notebook passed; 1 when a cell or a kernel failed (that
 * notebook's file is left exactly as it was); 2 for bad arguments or a file that is not a notebook.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { courseNotebooks } from "../cli/project";
import { UsageError } from "../cli/usage-error";
import { NotebookError, readNotebook } from "../notebook";
import { executeNotebooks, type NotebookRun } from "../runner/execute-notebook";

/** What the command line asked for. */
export interface ExecuteArgs {
  notebooks: string[];
  /** Per cell, in ms. */
  timeout: number;
  jobs?: number;
  check: boolean;
}

const usage = `usage: npm run execute -- [--check] [--timeout SECONDS] [--jobs N] [NOTEBOOK.ipynb ...]
  Runs each notebook top to bottom in a fresh tslab kernel and stores the outputs.
  Without NOTEBOOKs: every notebooks/*.ipynb.
  --check            run but write nothing (exit status says whether every cell passed)
  --timeout SECONDS  limit per cell (default 60)
  --jobs N           notebooks run at once (default: 2, or 1 for one notebook)`;

/**
 * Reads the command line (without the node and script entries).
 *
 * @throws {UsageError} for an unknown option or a bad number.
 */
export function parseExecuteArgs(argv: readonly string[]): ExecuteArgs {
  let values: { timeout?: string; jobs?: string; check?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        timeout: { type: "string" },
        jobs: { type: "string" },
        check: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  const number = (name: string, text: string | undefined, integer: boolean) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      throw new UsageError(
        `--${name} takes a positive ${integer ? "whole number" : "number"}, not "${text}"\n${usage}`,
      );
    }
    return value;
  };
  return {
    notebooks: positionals,
    timeout: (number("timeout", values.timeout, false) ?? 60) * 1000,
    jobs: number("jobs", values.jobs, true),
    check: values.check ?? false,
  };
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`;
}

function report(run: NotebookRun): void {
  if (run.failure) {
    console.error(`FAILED  ${run.file}  (left as it was)`);
    console.error(indent(run.failure.message));
  } else {
    console.log(
      `ok      ${run.file}  ${run.outcome}, ${run.cellsRun} cells in ${seconds(run.totalMs)} (kernel start ${seconds(run.kernelStartMs)})`,
    );
  }
  for (const warning of run.warnings) console.error(indent(`warning: ${warning}`));
}

function indent(text: string): string {
  return text.replace(/^/gm, "    ");
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ExecuteArgs;
  try {
    args = parseExecuteArgs(argv);
    if (args.notebooks.length === 0) {
      args.notebooks = (await courseNotebooks()).map((file) => path.relative(process.cwd(), file));
    }
    // Check every file before starting any kernel: a typo should cost no time.
    for (const file of args.notebooks) await readNotebook(file, { check: "lenient" });
  } catch (error) {
    if (error instanceof UsageError || error instanceof NotebookError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (args.notebooks.length === 0) {
    console.log("no notebooks to execute (notebooks/*.ipynb is empty)");
    return 0;
  }
  const jobs = args.jobs ?? Math.min(2, args.notebooks.length);
  console.log(
    `executing ${args.notebooks.length} notebook(s), ${jobs} at a time, ${args.timeout / 1000} s per cell${args.check ? ", --check: nothing is written" : ""}`,
  );
  const started = performance.now();
  const runs = await executeNotebooks(args.notebooks, {
    timeout: args.timeout,
    jobs,
    check: args.check,
    onRun: report,
  });
  const failed = runs.filter((run) => run.failure);
  const total = seconds(performance.now() - started);
  if (failed.length > 0) {
    console.error(
      `${failed.length} of ${runs.length} notebook(s) failed in ${total}; their files were not changed: ${failed.map((run) => run.file).join(", ")}`,
    );
    return 1;
  }
  console.log(`all ${runs.length} notebook(s) passed in ${total}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // Ctrl-C: exit through process.exit so the kernels are killed on the way out (kernel.ts).
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => process.exit(130));
  }
  process.exitCode = await main(process.argv.slice(2));
}
