/**
 * What the two command-line programs (handouts, student-notebooks) share: reading --edition,
 * and turning known errors into one clear line and exit code 1.
 */

import path from "node:path";
import { inspect } from "node:util";
import { courseNotebooks, projectRoot } from "../cli/project";
import { UsageError } from "../cli/usage-error";
import { NotebookError } from "../notebook";
import { type Edition, editions } from "./edition";
import { LaunchConfigError } from "./launch";
import { OutputError } from "./write";

/**
 * The notebooks a command line names, else every lesson of the course.
 *
 * @throws UsageError when it names none and the course has none
 */
export async function notebooksToExport(named: readonly string[]): Promise<string[]> {
  if (named.length > 0) return [...named];
  const files = await courseNotebooks();
  if (files.length === 0) {
    const folder = path.join(projectRoot, "notebooks");
    throw new UsageError(`no notebooks in ${folder}: name the .ipynb files to export`);
  }
  return files;
}

/**
 * The edition a `--edition` value names; instructor when none is given.
 *
 * @throws UsageError for anything but "instructor" or "student"
 */
export function parseEdition(value: string | undefined): Edition {
  if (value === undefined) return "instructor";
  if (!(editions as readonly string[]).includes(value)) {
    throw new UsageError(`--edition must be "instructor" or "student", not "${value}"`);
  }
  return value as Edition;
}

/**
 * Runs a program's main function. A notebook, output or usage problem becomes one line on stderr
 * (the message already names the file and the cell) and exit code 1; anything else is a bug and
 * is printed whole.
 */
export async function runCli(name: string, usage: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    console.error(failureMessage(name, usage, error));
    process.exitCode = 1;
  }
}

/**
 * What a program prints for a failure: one line for a notebook, output or usage problem (the
 * message names the file and the cell), the whole error, stack included, for anything else.
 */
export function failureMessage(name: string, usage: string, error: unknown): string {
  if (error instanceof NotebookError || error instanceof OutputError) {
    return `${name}: ${error.message}`;
  }
  if (
    error instanceof UsageError ||
    error instanceof LaunchConfigError ||
    isParseArgsError(error)
  ) {
    return `${name}: ${(error as Error).message}\n\n${usage}`;
  }
  return `${name}: unexpected failure, please report it: ${inspect(error)}`;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
