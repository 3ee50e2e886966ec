/**
 * From a check cell's output to grades: which of the cell's checks passed, failed, or were never
 * reached, and why.
 *
 * A check is identified by its place and its words: the n-th check of a cell is the n-th PASS or
 * FAIL line whose description is the n-th description of the reference run (lesson.ts). Lines
 * are taken in order; a line that is not the verdict of the check expected next (something the
 * student's code printed, a line starting with "PASS" among them) is not a verdict. A FAIL line
 * outweighs a PASS line for the same check wherever it comes: the check prints its own verdict
 * after running the student's code, so code that prints "PASS ..." from inside the function
 * under test comes first and would otherwise be taken for it. Checks that printed no verdict get
 * the status of how the cell ended: "timeout" when it ran out of time, "error" otherwise.
 */
import type { Output } from "../notebook";
import type { CheckSpec } from "./lesson";
import type { CellRun, RunStop } from "./run";

/** How a check came out: the `status` column (besides "invalid", for submissions). */
export type CheckStatus = "pass" | "fail" | "error" | "timeout" | "invalid";

/**
 * One check's outcome for one student: its status, the points it gives, and why it did not pass.
 */
export interface Verdict {
  check: CheckSpec;
  status: CheckStatus;
  points: number;
  /** Why it did not pass ("" when it did). */
  message: string;
  /** The hint of a FAIL line, apart from its reason (for the feedback page). */
  hint?: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
const ansi = /\x1b\[[0-9;]*m/g;

/**
 * The PASS and FAIL lines of a cell's stdout, colour codes removed, in order.
 */
export function verdictLines(outputs: readonly Output[]): string[] {
  return outputs
    .flatMap((o) =>
      o.output_type === "stream" && o.name === "stdout"
        ? (Array.isArray(o.text) ? o.text.join("") : o.text).split("\n")
        : [],
    )
    .map((line) => line.replace(ansi, "").trimEnd())
    .filter((line) => /^(PASS|FAIL) /.test(line));
}

/** The separator check() puts before a hint (src/course/exercise.ts formatResult). */
const hintSeparator = " — hint: ";

/**
 * Grades the checks of one check cell from how it ran (`run` undefined: never reached, for the
 * reason in `stop`).
 */
export function scoreCheckCell(
  checks: readonly CheckSpec[],
  run: CellRun | undefined,
  stop: RunStop | undefined,
  solution?: CellRun,
): Verdict[] {
  const verdicts: Verdict[] = [];
  const lines = run ? verdictLines(run.outputs) : [];
  let next = 0;
  for (const line of lines) {
    const check = checks[next];
    if (!check) break;
    if (line === `PASS ${check.description}`) {
      verdicts.push({ check, status: "pass", points: check.points, message: "" });
      next++;
    } else if (
      line === `FAIL ${check.description}` ||
      line.startsWith(`FAIL ${check.description}: `)
    ) {
      verdicts.push(failVerdict(check, line));
      next++;
    }
  }
  for (const check of checks.slice(next)) {
    verdicts.push({ check, points: 0, ...unreached(run, stop, solution) });
  }
  return failuresWin(verdicts, lines);
}

/**
 * A check passes only if no FAIL line was printed for it: of the n checks with one description,
 * at most n minus the FAIL lines printed for it pass (the first ones are turned to fail).
 */
function failuresWin(verdicts: Verdict[], lines: readonly string[]): Verdict[] {
  const failLines = (description: string) =>
    lines.filter(
      (line) => line === `FAIL ${description}` || line.startsWith(`FAIL ${description}: `),
    );
  for (const description of new Set(verdicts.map((v) => v.check.description))) {
    const fails = failLines(description);
    if (fails.length === 0) continue;
    const same = verdicts.filter((v) => v.check.description === description);
    const passing = same.filter((v) => v.status === "pass");
    const mayPass = Math.max(0, same.length - fails.length);
    passing.slice(0, Math.max(0, passing.length - mayPass)).forEach((verdict, i) => {
      const failed = failVerdict(verdict.check, fails[i] as string);
      verdict.status = failed.status;
      verdict.points = failed.points;
      verdict.message = `${failed.message} (a PASS line for it came from other code: only the check's own verdict counts)`;
      verdict.hint = failed.hint;
    });
  }
  return verdicts;
}

function failVerdict(check: CheckSpec, line: string): Verdict {
  const rest = line.slice(`FAIL ${check.description}: `.length);
  const at = rest.lastIndexOf(hintSeparator);
  return {
    check,
    status: "fail",
    points: 0,
    message: rest || "failed",
    hint: at >= 0 ? rest.slice(at + hintSeparator.length) : undefined,
  };
}

/** The status and message of a check that printed no verdict. */
function unreached(
  run: CellRun | undefined,
  stop: RunStop | undefined,
  solution: CellRun | undefined,
): { status: CheckStatus; message: string } {
  if (!run) {
    return stop
      ? { status: stop.status, message: stop.reason }
      : { status: "error", message: "not run" };
  }
  // The student's own cell never finished: that, not what followed from it, is the verdict.
  if (solution?.status === "timeout" && run.status !== "ok") {
    return {
      status: "timeout",
      message: `your code (cell ${solution.id}) did not finish: ${solution.problem}`,
    };
  }
  const yours =
    solution && solution.status !== "ok" && solution.problem
      ? `; your code (cell ${solution.id}) failed first: ${oneLine(solution.problem)}`
      : "";
  switch (run.status) {
    case "timeout":
      return { status: "timeout", message: `${run.problem}${yours}` };
    case "lost-output":
      return { status: "error", message: `no verdict: ${run.problem}` };
    case "error":
      return {
        status: "error",
        message: `the check could not run: ${oneLine(run.problem ?? "")}${yours}`,
      };
    default:
      return {
        status: "error",
        message: `the check cell ended without a verdict for this check${yours}`,
      };
  }
}

function oneLine(text: string): string {
  return text.split("\n").filter(Boolean).join(" / ");
}
