/**
 * A lesson as the grader sees it: the instructor's notebook, its exercises (a cell tagged
 * "solution" each), the check cells that grade each one (tagged "check", or "hidden-check" for
 * checks the students never see), and the checks each cell makes, with their points.
 *
 * Which checks a check cell makes is learnt from the instructor's own notebook, run once per
 * grading run with the reference solutions in it (the "reference run"): each PASS line it prints
 * is one check, named by its description, in the order printed. A lesson whose reference run does
 * not pass every check cannot be graded: its checks would be unknown or wrong.
 */
import path from "node:path";
import { isCheckCell, isHiddenCheckCell, isSolutionCell } from "../handouts/edition";
import { type Cell, describeCell, joinSource, type Notebook, readNotebook } from "../notebook";
import type { GradedRun } from "./run";
import { verdictLines } from "./verdicts";

/** One check of a check cell: a row of grades.csv for every student. */
export interface CheckSpec {
  /** The description its PASS / FAIL line prints (what the instructor wrote in check()). */
  description: string;
  /** The `check` column: the description, with " (2)", " (3)" after repeats within an exercise. */
  name: string;
  points: number;
}

/** A cell tagged "check" or "hidden-check". */
export interface CheckCell {
  id: string;
  hidden: boolean;
  /** The instructor's source: it replaces whatever the submission holds. */
  source: string;
  /** The cell as the instructor wrote it (to put back into a submission). */
  cell: Cell;
  /** Known after the reference run. */
  checks: CheckSpec[];
}

/** One exercise: the cell the student writes, and the cells that check it. */
export interface Exercise {
  /** The solution cell's id: the `exercise` column. */
  id: string;
  /** The heading above it (e.g. "Exercise 1: read a port number"), else the id. */
  title: string;
  checkCells: CheckCell[];
}

/**
 * An instructor's lesson as the grader needs it: its exercises, their checks and points, learnt
 * from a reference run.
 */
export interface Lesson {
  /** The file name without .ipynb: the `notebook` column and the feedback page's name. */
  name: string;
  file: string;
  title: string;
  notebook: Notebook;
  exercises: Exercise[];
}

/** The instructor's notebook cannot be used for grading; the message says what to fix. */
export class LessonError extends Error {
  override name = "LessonError";
}

/**
 * Reads a lesson and finds its exercises and check cells (their checks come from the reference
 * run, see {@link learnChecks}).
 *
 * @throws LessonError for a check cell before any exercise, a cell without an id, bad points
 */
export async function loadLesson(file: string): Promise<Lesson> {
  const { notebook } = await readNotebook(file);
  const name = path.basename(file).replace(/\.ipynb$/i, "");
  const exercises: Exercise[] = [];
  let heading: string | undefined;
  let title: string | undefined;
  notebook.cells.forEach((cell, i) => {
    const where = `${file}: ${describeCell({ index: i + 1, id: cell.id })}`;
    if (cell.cell_type === "markdown") {
      const headings = [...joinSource(cell.source).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)];
      if (headings.length > 0) heading = headings.at(-1)?.[1];
      title ??= /^#\s+(.+?)\s*$/m.exec(joinSource(cell.source))?.[1];
      return;
    }
    const solution = isSolutionCell(cell);
    const check = isCheckCell(cell) || isHiddenCheckCell(cell);
    if (!solution && !check) return;
    if (cell.id === undefined) {
      throw new LessonError(
        `${where}: an exercise or check cell needs an id, to find it in submissions`,
      );
    }
    if (solution) {
      exercises.push({ id: cell.id, title: heading ?? cell.id, checkCells: [] });
      return;
    }
    const exercise = exercises.at(-1);
    if (!exercise) {
      throw new LessonError(
        `${where}: a check cell before any exercise (a cell tagged "solution")`,
      );
    }
    pointsOf(cell, where, -1); // refuse bad metadata before running anything
    exercise.checkCells.push({
      id: cell.id,
      hidden: isHiddenCheckCell(cell),
      source: joinSource(cell.source),
      cell,
      checks: [],
    });
  });
  return { name, file, title: title ?? name, notebook, exercises };
}

/**
 * Fills in each check cell's checks from the reference run of the lesson: one per PASS line.
 *
 * @throws LessonError when the reference run did not pass: a FAIL line, a failing cell, no PASS
 *   line in a check cell, or points that do not fit the checks
 */
export function learnChecks(lesson: Lesson, run: GradedRun): void {
  const fail: (problem: string) => never = (problem) => {
    throw new LessonError(
      `${lesson.file}: the reference solutions must pass every check, but ${problem}; run \`npm run execute -- --check ${lesson.file}\` to see it`,
    );
  };
  if (run.startFailure) fail(run.startFailure);
  for (const exercise of lesson.exercises) {
    const seen = new Map<string, number>();
    for (const checkCell of exercise.checkCells) {
      const cellRun = run.cells.get(checkCell.id);
      if (cellRun === undefined) {
        fail(`cell "${checkCell.id}" was not run (${run.stop?.reason ?? "the run stopped"})`);
      }
      const lines = verdictLines(cellRun.outputs);
      const failed = lines.find((line) => line.startsWith("FAIL"));
      if (failed) fail(`cell "${checkCell.id}" printed: ${failed}`);
      if (cellRun.status !== "ok") fail(`cell "${checkCell.id}" failed: ${cellRun.problem}`);
      const descriptions = lines.map((line) => line.replace(/^PASS /, ""));
      if (descriptions.length === 0) fail(`cell "${checkCell.id}" printed no PASS line`);
      const index = lesson.notebook.cells.indexOf(checkCell.cell);
      const where = `${lesson.file}: ${describeCell({ index: index + 1, id: checkCell.id })}`;
      checkCell.checks = descriptions.map((description, i) => {
        const count = (seen.get(description) ?? 0) + 1;
        seen.set(description, count);
        return {
          description,
          name: count === 1 ? description : `${description} (${count})`,
          points: pointsOf(checkCell.cell, where, descriptions.length, i),
        };
      });
    }
  }
}

/**
 * The points of check `i` of a cell: `metadata.points` is a number for each of its checks, or a
 * list with one number per check, in order; 1 each without it. `count` -1: not known yet.
 */
function pointsOf(cell: Cell, where: string, count: number, i = 0): number {
  const points = cell.metadata.points;
  const valid = (value: unknown) =>
    typeof value === "number" && Number.isFinite(value) && value >= 0;
  if (points === undefined) return 1;
  if (valid(points)) return points as number;
  if (Array.isArray(points) && points.every(valid)) {
    if (count >= 0 && points.length !== count) {
      throw new LessonError(
        `${where}: metadata.points lists ${points.length} numbers, but the cell makes ${count} checks: give one number per check, in order, or one number for each`,
      );
    }
    return (points[i] as number | undefined) ?? 1;
  }
  throw new LessonError(
    `${where}: metadata.points must be a number (the points of each check in the cell) or a list of numbers (one per check), not ${JSON.stringify(points)}`,
  );
}

/** The most points the lesson gives. */
export function maxPoints(lesson: Lesson): number {
  return lesson.exercises
    .flatMap((exercise) => exercise.checkCells.flatMap((cell) => cell.checks))
    .reduce((sum, check) => sum + check.points, 0);
}
