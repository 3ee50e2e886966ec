/**
 * A class's submissions: which notebook of which student is which lesson, and the notebook the
 * grader runs for it, the instructor's check cells put back and the hidden checks added.
 *
 * A submission is a folder per student (its name is the student; the notebooks may sit in
 * subfolders, as in a JupyterHub home folder) or one .ipynb file (the student is its name). A
 * notebook is a lesson's when its file name is the lesson's, or ends with it (LMS downloads put
 * the student before it, `alice_1234_01_client_server_model.ipynb`), or, failing that, when it
 * holds that lesson's exercise cells (cell ids).
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { type Cell, joinSource, type Notebook } from "../notebook";
import type { Exercise, Lesson } from "./lesson";

/** One student's notebooks. */
export interface Submission {
  student: string;
  /** What the instructor named on the command line. */
  given: string;
  /** Every .ipynb found, in name order. */
  files: string[];
}

/** A command-line problem: the grader exits with status 2. */
export class SubmissionArgumentError extends Error {
  override name = "SubmissionArgumentError";
}

/** Folders never searched for notebooks: Jupyter's autosaves, packages, the helper library. */
const skipped = new Set([".ipynb_checkpoints", "node_modules", "src", ".git"]);

/**
 * Finds the submissions that the command line names.
 *
 * @throws SubmissionArgumentError for a path that does not exist, a file that is not .ipynb, or
 *   two submissions of the same student
 */
export async function findSubmissions(given: readonly string[]): Promise<Submission[]> {
  const submissions: Submission[] = [];
  const byStudent = new Map<string, string>();
  for (const entry of given) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(entry);
    } catch {
      throw new SubmissionArgumentError(`${entry}: no such file or folder`);
    }
    const resolved = path.resolve(entry);
    let submission: Submission;
    if (info.isDirectory()) {
      submission = {
        student: path.basename(resolved),
        given: entry,
        files: await notebooksIn(resolved),
      };
    } else if (entry.toLowerCase().endsWith(".ipynb")) {
      submission = {
        student: path.basename(resolved).replace(/\.ipynb$/i, ""),
        given: entry,
        files: [resolved],
      };
    } else {
      throw new SubmissionArgumentError(
        `${entry}: a submission is a folder of a student's notebooks or one .ipynb file`,
      );
    }
    const other = byStudent.get(submission.student);
    if (other !== undefined) {
      throw new SubmissionArgumentError(
        `${other} and ${entry} are both the student "${submission.student}": give each student one folder or file`,
      );
    }
    byStudent.set(submission.student, entry);
    submissions.push(submission);
  }
  return submissions.sort((a, b) => compare(a.student, b.student));
}

async function notebooksIn(folder: string, depth = 0): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => compare(a.name, b.name))) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory() && !skipped.has(entry.name) && depth < 4) {
      found.push(...(await notebooksIn(file, depth + 1)));
    } else if (entry.isFile() && entry.name.toLowerCase().endsWith(".ipynb")) {
      found.push(file);
    }
  }
  return found;
}

/** Code-point order: the same on every machine, whatever its locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The lesson a file's name says it is (exact, or ending in "_" + the lesson's name), if any.
 */
export function lessonByName(file: string, lessons: readonly Lesson[]): Lesson | undefined {
  const base = path.basename(file).replace(/\.ipynb$/i, "");
  return (
    lessons.find((lesson) => lesson.name === base) ??
    lessons.find((lesson) => base.endsWith(`_${lesson.name}`) || base.endsWith(`-${lesson.name}`))
  );
}

/**
 * The lesson whose exercise cells a notebook holds most of (by cell id), if it holds any.
 */
export function lessonByCells(notebook: Notebook, lessons: readonly Lesson[]): Lesson | undefined {
  const ids = new Set(notebook.cells.map((cell) => cell.id));
  let best: Lesson | undefined;
  let bestCount = 0;
  for (const lesson of lessons) {
    const count = lesson.exercises.filter((exercise) => ids.has(exercise.id)).length;
    if (count > bestCount) {
      best = lesson;
      bestCount = count;
    }
  }
  return best;
}

/** The notebook to run for a submission, and what could not be graded in it. */
export interface GradingNotebook {
  /** The cells to run, in order: the student's, with the instructor's checks in place. */
  cells: Cell[];
  /** Exercise id -> why it cannot be graded (its checks are "invalid"). */
  invalid: Map<string, string>;
  /** Exercise id -> the student's code for it. */
  code: Map<string, string>;
}

/**
 * Builds the notebook the grader runs: the student's cells in the student's order, each check
 * cell replaced by the instructor's (whatever the student changed in it), check cells the
 * student deleted put back after their exercise, and the hidden checks added where the
 * instructor's notebook has them. An exercise whose cell is missing (deleted, or its id
 * changed) or is no longer a code cell cannot be graded, and its checks are left out.
 */
export function gradingNotebook(lesson: Lesson, notebook: Notebook): GradingNotebook {
  const invalid = new Map<string, string>();
  const code = new Map<string, string>();
  const byId = new Map(notebook.cells.map((cell) => [cell.id, cell]));
  const checkIds = new Map<string, Exercise>();
  for (const exercise of lesson.exercises) {
    for (const checkCell of exercise.checkCells) checkIds.set(checkCell.id, exercise);
    const cell = byId.get(exercise.id);
    if (!cell) {
      const elsewhere = notebook.cells.find(
        (c) =>
          c.cell_type === "code" &&
          Array.isArray(c.metadata.tags) &&
          c.metadata.tags.includes("solution") &&
          !lesson.exercises.some((e) => e.id === c.id),
      );
      invalid.set(
        exercise.id,
        `no cell with id "${exercise.id}" (the code cell of "${exercise.title}"): it was deleted or its id changed${elsewhere?.id ? ` (a solution cell with id "${elsewhere.id}" is there instead)` : ""}; cell ids are how the grader finds your code: write your code into the cell of a fresh copy of the lesson`,
      );
    } else if (cell.cell_type !== "code") {
      invalid.set(
        exercise.id,
        `cell "${exercise.id}" (the code cell of "${exercise.title}") is a ${cell.cell_type} cell now, not a code cell: change it back to Code`,
      );
    } else {
      code.set(exercise.id, joinSource(cell.source));
    }
  }
  // The student's cells, check cells as the instructor wrote them; none for ungradable exercises.
  const cells: Cell[] = [];
  for (const cell of notebook.cells) {
    const exercise = cell.id === undefined ? undefined : checkIds.get(cell.id);
    if (!exercise) {
      cells.push(cell);
    } else if (!invalid.has(exercise.id)) {
      const checkCell = exercise.checkCells.find((c) => c.id === cell.id);
      if (checkCell) cells.push(checkCell.cell);
    }
  }
  // Check cells not in the submission (hidden ones always), after the exercise's previous cell.
  for (const exercise of lesson.exercises) {
    if (invalid.has(exercise.id)) continue;
    let after = exercise.id;
    for (const checkCell of exercise.checkCells) {
      if (!cells.some((cell) => cell.id === checkCell.id)) {
        const at = cells.findIndex((cell) => cell.id === after);
        cells.splice(at + 1, 0, checkCell.cell);
      }
      after = checkCell.id;
    }
  }
  return { cells, invalid, code };
}
