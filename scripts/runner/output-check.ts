/**
 * Failures that only show in a cell's output text.
 *
 * tslab reports errors as stderr text, never as Jupyter "error" outputs, and reports a background
 * failure (a timer that throws, a promise nobody awaits that rejects) only as stderr text while the
 * cell itself counts as a success. Exercise checks print "PASS ..." / "FAIL ..." lines. Both
 * `npm run execute` and the nbconvert check in CI read outputs with this one function, so a
 * notebook cannot pass one and fail the other.
 */
import type { Output } from "../notebook";

/** Why an output counts as a failure. */
export type ProblemKind = "background" | "check" | "error";

/** One failing line of output. */
export interface OutputProblem {
  kind: ProblemKind;
  /** The line that gave it away (or the error output's name and value). */
  line: string;
}

/** How tslab prefixes an error thrown where no cell awaits it (tslab/dist/main.js). */
const backgroundMarkers = ["UncaughtException:", "UnhandledPromiseRejection:"];

/**
 * Node's way of printing an error: `Error: boom`, `TypeError: ...`, `SocketError [ECONNREFUSED]`.
 * On stderr that is a failure: a lesson that shows an expected error prints it with console.log.
 */
const errorReport = /^(?:[A-Z]\w*)?Error(?: \[\w+\])?:/;

/** Terminal colour codes, which a check might put around its verdict. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
const ansi = /\x1b\[[0-9;]*m/g;

/**
 * Finds the failures in one cell's outputs, in order: background failures, error reports on
 * stderr, lines starting with "FAIL" (exercise checks, notebooks.md), and Jupyter error outputs.
 */
export function outputProblems(outputs: readonly Output[]): OutputProblem[] {
  const problems: OutputProblem[] = [];
  for (const output of outputs) {
    if (output.output_type === "error") {
      problems.push({ kind: "error", line: `${output.ename}: ${output.evalue}` });
      continue;
    }
    if (output.output_type !== "stream") continue;
    const text = Array.isArray(output.text) ? output.text.join("") : output.text;
    for (const raw of text.split("\n")) {
      const line = raw.replace(ansi, "").trimEnd();
      if (backgroundMarkers.some((marker) => line.startsWith(marker))) {
        problems.push({ kind: "background", line });
      } else if (line.startsWith("FAIL")) {
        problems.push({ kind: "check", line });
      } else if (output.name === "stderr" && errorReport.test(line)) {
        problems.push({ kind: "error", line });
      }
    }
  }
  return problems;
}
