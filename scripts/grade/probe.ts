/**
 * A probe of the kernel's console after each exercise's checks: did the student's code change what
 * console.log prints?
 *
 * Checks run in the student's kernel (as nbgrader's tests run in the student's) and print their
 * verdicts with console.log. Code that replaces console.log or process.stdout.write could turn
 * every `FAIL ...` into `PASS ...`. After the last check cell of each exercise the grader runs one
 * cell of its own that prints a FAIL line for each of the exercise's checks, with a nonce no
 * notebook can know in advance; if one of those lines does not come out as printed, the exercise's
 * passes are not believed (other lines may come between them: a server left running still logs). The probe runs after the checks, never between a solution and its check, so
 * check()'s "your code cell above did not run" sees the same cells as without it. It catches a
 * replacement still in place after the checks; code written against this file can evade it, which
 * the student's code on the feedback page and in the submission then shows.
 */
import type { Output } from "../notebook";
import type { Lesson } from "./lesson";
import type { GradedRun } from "./run";

/** Cell ids of probes: a colon cannot appear in a notebook's cell id, so none is a student's. */
const probeId = (exerciseId: string) => `grade-probe:${exerciseId}`;

function probeLines(lesson: Lesson, exerciseId: string, nonce: string): string[] {
  const exercise = lesson.exercises.find((e) => e.id === exerciseId);
  return (exercise?.checkCells ?? [])
    .flatMap((cell) => cell.checks)
    .map((check) => `FAIL ${check.description}: grader probe ${nonce}`);
}

/**
 * The code cells to run with a probe after the last check cell of each exercise (checks known).
 *
 * @example
 * const cells = withProbes(code, lesson, randomBytes(8).toString("hex"));
 */
export function withProbes(
  cells: ReadonlyArray<{ id?: string; source: string }>,
  lesson: Lesson,
  nonce: string,
): Array<{ id?: string; source: string }> {
  const lastCheck = new Map<string, string>();
  for (const exercise of lesson.exercises) {
    const ids = new Set(exercise.checkCells.map((c) => c.id));
    const last = cells.filter((cell) => cell.id !== undefined && ids.has(cell.id)).at(-1);
    if (last?.id !== undefined) lastCheck.set(last.id, exercise.id);
  }
  return cells.flatMap((cell) => {
    const exerciseId = cell.id === undefined ? undefined : lastCheck.get(cell.id);
    const lines = exerciseId === undefined ? [] : probeLines(lesson, exerciseId, nonce);
    if (exerciseId === undefined || lines.length === 0) return [cell];
    const source = lines.map((line) => `console.log(${JSON.stringify(line)});`).join("\n");
    return [cell, { id: probeId(exerciseId), source }];
  });
}

/**
 * Why an exercise's passes cannot be believed (its probe printed something else), if so.
 *
 * @example
 * const altered = probeProblem(run, lesson, "l01-ex1", nonce);
 */
export function probeProblem(
  run: GradedRun | undefined,
  lesson: Lesson,
  exerciseId: string,
  nonce: string,
): string | undefined {
  const probe = run?.cells.get(probeId(exerciseId));
  if (!probe) return undefined;
  // Each line as printed, wherever it comes: output of a server still running in the background
  // may come between them.
  const printed = new Set(stdout(probe.outputs).split("\n"));
  if (probeLines(lesson, exerciseId, nonce).every((line) => printed.has(line))) return undefined;
  return "console.log does not print what it is given after the checks (the code replaced console.log or process.stdout.write?): the checks' PASS lines cannot be believed";
}

function stdout(outputs: readonly Output[]): string {
  return outputs
    .map((o) =>
      o.output_type === "stream" && o.name === "stdout"
        ? Array.isArray(o.text)
          ? o.text.join("")
          : o.text
        : "",
    )
    .join("");
}
