/**
 * Running notebooks through Jupyter's own `jupyter nbconvert --to notebook --execute` and reading
 * their outputs with the same check as `npm run execute` (runner/output-check.ts): what
 * `npm run check:nbconvert` and the execute benchmark use.
 */
import { execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pMap from "p-map";
import { joinSource, readNotebook } from "../notebook";
import { outputProblems } from "../runner/output-check";
import { writeKernelspec } from "./kernelspec";

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
  const { notebook: nb } = await readNotebook(file, { check: "lenient" });
  const found: string[] = [];
  nb.cells.forEach((cell, index) => {
    for (const problem of outputProblems(cell.cell_type === "code" ? cell.outputs : [])) {
      const firstLine = joinSource(cell.source).split("\n")[0];
      found.push(
        `cell ${index + 1}${cell.id ? ` (id "${cell.id}")` : ""} [${firstLine}]: ${problem.kind}: ${problem.line}`,
      );
    }
  });
  return found;
}

/** One notebook through nbconvert. */
export interface NbconvertRun {
  file: string;
  ok: boolean;
  /** Why it failed: nbconvert's error, or the problems found in its outputs. Empty when ok. */
  report: string;
  /** Wall time of the `jupyter nbconvert --execute` process plus reading its output, in ms. */
  ms: number;
}

/** Options for {@link nbconvertNotebooks}. */
export interface NbconvertOptions {
  /** The jupyter-nbconvert program; default: {@link findNbconvert}'s. */
  nbconvert?: string;
  /** Notebooks at once; default min(2, count), like `npm run execute`. */
  jobs?: number;
  /** Called as each notebook finishes. */
  onRun?: (run: NbconvertRun) => void;
}

/**
 * Executes notebooks with `jupyter nbconvert --to notebook --execute`, `jobs` at a time, with the
 * project's kernelspec in a temporary JUPYTER_PATH and the executed copies in a temporary folder
 * (deleted afterwards), and checks their outputs. What `npm run check:nbconvert` does, and the
 * nbconvert side of a benchmark against `executeNotebooks`.
 *
 * @throws {Error} when no jupyter-nbconvert is installed.
 */
export async function nbconvertNotebooks(
  files: readonly string[],
  options: NbconvertOptions = {},
): Promise<NbconvertRun[]> {
  const nbconvert = options.nbconvert ?? (await findNbconvert());
  if (!nbconvert) {
    throw new Error(
      "jupyter-nbconvert not found. On Debian or Ubuntu: sudo apt-get install jupyter-nbconvert python3-nbclient jupyter-client",
    );
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
    const jobs = Math.max(1, options.jobs ?? Math.min(2, files.length));
    return await pMap(
      files,
      async (file, i) => {
        // One output folder per notebook: two notebooks may share a name in different folders.
        const run = await nbconvertOne(nbconvert, file, path.join(temp, "out", String(i)), env);
        options.onRun?.(run);
        return run;
      },
      { concurrency: jobs },
    );
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function nbconvertOne(
  nbconvert: string,
  file: string,
  outDir: string,
  env: NodeJS.ProcessEnv,
): Promise<NbconvertRun> {
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
  if (code !== 0) {
    // nbconvert's log is a Python traceback ending with the failing cell's source and "<Error>:"
    // (tslab puts the error text on stderr, which nbconvert does not print): keep that end.
    const lines = log.trim().split("\n");
    const at = lines.findIndex((line) => line.includes("An error occurred while executing"));
    const tail = (at >= 0 ? lines.slice(at) : lines.slice(-25)).join("\n");
    const hint = `for tslab's error text: npm run execute -- --check ${file}`;
    const ms = performance.now() - started;
    return { file, ok: false, report: `nbconvert exited with ${code}:\n${tail}\n(${hint})`, ms };
  }
  const problems = await notebookProblems(path.join(outDir, path.basename(file)));
  const ms = performance.now() - started;
  return { file, ok: problems.length === 0, report: problems.join("\n"), ms };
}
