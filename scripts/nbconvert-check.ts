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
import { execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { courseNotebooks } from "./execute";
import { writeKernelspec } from "./jupyter/kernelspec";
import { NotANotebookError, readNotebook, sourceText } from "./kernel/notebook";
import { outputProblems } from "./kernel/output-check";

/** Per-cell limit given to nbconvert, in seconds. */
const cellTimeout = 120;

/**
 * The first `jupyter-nbconvert` that runs, on PATH or in /usr/bin: a PATH led by pyenv may hold a
 * shim for a Python that has no Jupyter.
 */
export async function findNbconvert(
  searchPath = process.env.PATH ?? "",
): Promise<string | undefined> {
  const dirs = [...searchPath.split(path.delimiter).filter(Boolean), "/usr/bin", "/usr/local/bin"];
  for (const dir of new Set(dirs)) {
    const command = path.join(dir, "jupyter-nbconvert");
    try {
      accessSync(command, constants.X_OK);
      await promisify(execFile)(command, ["--version"], { timeout: 30_000 });
      return command;
    } catch {
      // Missing, or a shim that fails: try the next folder.
    }
  }
  return undefined;
}

/** The problems found in an executed notebook, one line each, naming the cell. */
export async function notebookProblems(file: string): Promise<string[]> {
  const nb = await readNotebook(file);
  const found: string[] = [];
  nb.cells.forEach((cell, index) => {
    for (const problem of outputProblems(cell.outputs ?? [])) {
      const firstLine = sourceText(cell).split("\n")[0];
      found.push(
        `cell ${index + 1}${cell.id ? ` (id "${cell.id}")` : ""} [${firstLine}]: ${problem.kind}: ${problem.line}`,
      );
    }
  });
  return found;
}

interface Check {
  file: string;
  ok: boolean;
  report: string;
  ms: number;
}

async function checkOne(
  nbconvert: string,
  file: string,
  outDir: string,
  env: NodeJS.ProcessEnv,
): Promise<Check> {
  const started = performance.now();
  const args = [
    "--to",
    "notebook",
    "--execute",
    `--ExecutePreprocessor.timeout=${cellTimeout}`,
    "--ExecutePreprocessor.record_timing=False",
    "--output-dir",
    outDir,
    file,
  ];
  const child = spawn(nbconvert, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (chunk: Buffer) => {
    log += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    log += chunk.toString("utf8");
  });
  const code = await new Promise<number | null>((resolve) => {
    child.once("error", () => resolve(null));
    child.once("close", resolve);
  });
  const ms = performance.now() - started;
  if (code !== 0) {
    // nbconvert's log is a Python traceback ending with the failing cell's source and "<Error>:"
    // (tslab puts the error text on stderr, which nbconvert does not print): keep that end.
    const lines = log.trim().split("\n");
    const at = lines.findIndex((line) => line.includes("An error occurred while executing"));
    const tail = (at >= 0 ? lines.slice(at) : lines.slice(-25)).join("\n");
    const hint = `for tslab's error text: npm run execute -- --check ${file}`;
    return { file, ok: false, report: `nbconvert exited with ${code}:\n${tail}\n(${hint})`, ms };
  }
  const executed = path.join(outDir, path.basename(file));
  const problems = await notebookProblems(executed);
  return problems.length === 0
    ? { file, ok: true, report: "", ms }
    : { file, ok: false, report: problems.join("\n"), ms };
}

async function main(argv: readonly string[]): Promise<number> {
  const files = argv.length > 0 ? [...argv] : await courseNotebooks();
  try {
    for (const file of files) await readNotebook(file);
  } catch (error) {
    if (error instanceof NotANotebookError) {
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
  const temp = await mkdtemp(path.join(tmpdir(), "sockets-course-nbconvert-"));
  try {
    const jupyterPath = path.join(temp, "jupyter");
    writeKernelspec(jupyterPath);
    const env = {
      ...process.env,
      JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
      // Silences Python's "frozen modules" debugger warning on every run.
      PYDEVD_DISABLE_FILE_VALIDATION: "1",
    };
    console.log(
      `executing ${files.length} notebook(s) with ${nbconvert}, ${Math.min(2, files.length)} at a time`,
    );
    const checks: Check[] = new Array(files.length);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const i = next++;
        // One output folder per notebook: two notebooks may share a name in different folders.
        checks[i] = await checkOne(nbconvert, files[i], path.join(temp, "out", String(i)), env);
        const { ok, ms, report } = checks[i];
        const line = `${ok ? "ok    " : "FAILED"}  ${files[i]}  ${(ms / 1000).toFixed(1)} s`;
        if (ok) console.log(line);
        else console.error(`${line}\n${report.replace(/^/gm, "    ")}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(2, files.length) }, worker));
    const failed = checks.filter((check) => !check.ok);
    if (failed.length > 0) {
      console.error(`${failed.length} of ${files.length} notebook(s) failed under nbconvert`);
      return 1;
    }
    console.log(`all ${files.length} notebook(s) passed under jupyter nbconvert --execute`);
    return 0;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
