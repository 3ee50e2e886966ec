/**
 * Finds a Jupyter server on this machine: JupyterLab (`jupyter-lab`) or the Notebook
 * (`jupyter-notebook`, classic 6.x or 7.x), on PATH or in the usual system folders.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/** A Jupyter front end that answered `--version`. */
export interface JupyterInstall {
  /** "lab" for JupyterLab, "notebook" for Jupyter Notebook. */
  frontEnd: "lab" | "notebook";
  /** Absolute path of the executable (`.../jupyter-lab` or `.../jupyter-notebook`). */
  command: string;
  /** What `<command> --version` printed, e.g. "6.4.12". */
  version: string;
  /** A name for people: "JupyterLab 4.2.5", "Jupyter Notebook 6.4.12". */
  label: string;
}

/** Where findJupyter looks, for tests and unusual set-ups: PATH and the folders after it. */
export interface FindJupyterOptions {
  /** The PATH to search; default process.env.PATH. */
  searchPath?: string;
  /**
   * Folders searched after PATH. Debian's `jupyter-notebook` lives in /usr/bin, which a PATH led
   * by pyenv or conda may shadow with a Python that has no Jupyter.
   */
  extraDirs?: string[];
  /** Which front end to try first; default "lab", then "notebook". */
  prefer?: "lab" | "notebook";
}

/** Where to look after PATH (POSIX only: Windows installs are found on PATH). */
export const defaultExtraDirs =
  process.platform === "win32" ? [] : ["/usr/bin", "/usr/local/bin", "/opt/conda/bin"];

const executables = { lab: "jupyter-lab", notebook: "jupyter-notebook" } as const;

/**
 * Returns the first Jupyter that really runs, or undefined when there is none.
 *
 * A candidate counts only if `--version` exits 0 with a version number: a pyenv shim for a
 * Python without Jupyter exists on PATH but fails, and must not be picked.
 */
export async function findJupyter(
  options: FindJupyterOptions = {},
): Promise<JupyterInstall | undefined> {
  const searchPath = options.searchPath ?? process.env.PATH ?? "";
  const dirs = unique([
    ...searchPath.split(path.delimiter).filter((d) => d !== ""),
    ...(options.extraDirs ?? defaultExtraDirs),
  ]);
  const order: Array<"lab" | "notebook"> =
    options.prefer === "notebook" ? ["notebook", "lab"] : ["lab", "notebook"];
  for (const frontEnd of order) {
    for (const dir of dirs) {
      for (const command of candidates(dir, executables[frontEnd])) {
        if (!isExecutableFile(command)) continue;
        const version = await reportedVersion(command);
        if (version === undefined) continue;
        const label = `${frontEnd === "lab" ? "JupyterLab" : "Jupyter Notebook"} ${version}`;
        return { frontEnd, command, version, label };
      }
    }
  }
  return undefined;
}

function candidates(dir: string, name: string): string[] {
  const base = path.resolve(dir, name);
  if (process.platform !== "win32") return [base];
  return [".exe", ".cmd", ".bat", ""].map((ext) => base + ext);
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `<command> --version`: the version it prints; undefined when it fails or prints none (a
 * broken shim fails at once); "unknown" when it is still starting after a minute, which an
 * overloaded machine can make of Python's start: it is there, so it is not reported missing.
 */
function reportedVersion(command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      command,
      ["--version"],
      { timeout: 60_000, windowsHide: true, shell: process.platform === "win32" },
      (error, stdout) => {
        if (error?.killed) return resolve("unknown");
        const version = /\d+\.\d+[^\s]*/.exec(stdout.trim())?.[0];
        resolve(error || version === undefined ? undefined : version);
      },
    );
  });
}

function unique(items: string[]): string[] {
  return [...new Set(items.map((d) => path.resolve(d)))];
}
