/**
 * `npm run check:nbconvert [-- NOTEBOOK...]`: runs every notebook through Jupyter's own
 * `jupyter nbconvert --to notebook --execute`, the path a student's Jupyter takes, and fails if any
 * cell failed. CI runs it after `npm test` (which runs them through our Node runner).
 *
 * - The kernelspec is this project's (scripts/jupyter/kernelspec.ts), written to a temporary
 *   JUPYTER_PATH folder: nothing outside the temporary folder is touched.
 * - Executed copies go to that temporary folder, never over notebooks/.
 * - nbconvert exits 1 when a cell's reply is "error" (a throw, a type error), but it cannot see
 *   what tslab reports only as text: its outputs are read with the same check as `npm run execute`
 *   (output-check.ts: UncaughtException / UnhandledPromiseRejection, error reports on stderr,
 *   FAIL lines of exercise checks).
 *
 * Needs Debian's jupyter-nbconvert, python3-nbclient and jupyter-client (.ci/run installs them).
 */
import path from "node:path";
import { courseNotebooks } from "../cli/project";
import { findNbconvert, nbconvertNotebooks } from "../jupyter/nbconvert";
import { NotebookError, readNotebook } from "../notebook";

async function main(argv: readonly string[]): Promise<number> {
  const files =
    argv.length > 0
      ? [...argv]
      : (await courseNotebooks()).map((file) => path.relative(process.cwd(), file));
  try {
    for (const file of files) await readNotebook(file, { check: "lenient" });
  } catch (error) {
    if (error instanceof NotebookError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (files.length === 0) {
    console.log("no notebooks to check (notebooks/*.ipynb is empty)");
    return 0;
  }
  const nbconvert = await findNbconvert();
  if (!nbconvert) {
    console.error(
      "jupyter-nbconvert not found. On Debian or Ubuntu: sudo apt-get install jupyter-nbconvert python3-nbclient jupyter-client",
    );
    return 2;
  }
  const jobs = Math.min(2, files.length);
  console.log(`executing ${files.length} notebook(s) with ${nbconvert}, ${jobs} at a time`);
  const runs = await nbconvertNotebooks(files, {
    nbconvert,
    jobs,
    onRun: ({ file, ok, ms, report }) => {
      const line = `${ok ? "ok    " : "FAILED"}  ${file}  ${(ms / 1000).toFixed(1)} s`;
      if (ok) console.log(line);
      else console.error(`${line}\n${report.replace(/^/gm, "    ")}`);
    },
  });
  const failed = runs.filter((run) => !run.ok);
  if (failed.length > 0) {
    console.error(`${failed.length} of ${files.length} notebook(s) failed under nbconvert`);
    return 1;
  }
  console.log(`all ${files.length} notebook(s) passed under jupyter nbconvert --execute`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
