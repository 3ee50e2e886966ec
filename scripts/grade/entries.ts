/**
 * What the grader knows of each submitted notebook: whose it is, which lesson it is, and what
 * its run gave; and how a submission is matched to its lesson.
 */
import { existsSync } from "node:fs";
import { readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../cli/project";
import { courseFolders } from "../handouts/course-material";
import { type Notebook, NotebookError, readNotebook } from "../notebook";
import { type Lesson, loadLesson } from "./lesson";
import type { GradedRun } from "./run";
import {
  compare,
  type GradingNotebook,
  lessonByCells,
  lessonByName,
  SubmissionArgumentError,
} from "./submissions";

/** One submitted notebook on its way through the grader; a problem stops it being graded. */
export interface Entry {
  student: string;
  file: string;
  lesson?: Lesson;
  notebook?: Notebook;
  /** Why nothing in it can be graded. */
  problem?: string;
  grading?: GradingNotebook;
  run?: GradedRun;
  /** Exercise id -> why its passes are not believed (the console probe, probe.ts). */
  altered?: Map<string, string>;
}

/** Every .ipynb of the course folder, loaded; a folder with none is a usage error. */
export async function courseLessons(course: string): Promise<Lesson[]> {
  let names: string[];
  try {
    names = (await readdir(course)).filter((name) => name.endsWith(".ipynb")).sort(compare);
  } catch {
    names = [];
  }
  if (names.length === 0) {
    throw new SubmissionArgumentError(`${course}: no lesson notebooks (.ipynb) in it (--course)`);
  }
  return Promise.all(names.map((name) => loadLesson(path.join(course, name))));
}

/**
 * What the lessons use beside them (the helper library as ./src, the lecture's Python programs as
 * python/), each the course folder's own, else the project's: name and folder to link.
 */
export async function besideLessons(course: string): Promise<[string, string][]> {
  return Promise.all(
    courseFolders.map(async ({ name, from }): Promise<[string, string]> => {
      const own = path.join(course, name);
      return [name, existsSync(own) ? await realpath(own) : path.join(projectRoot, from)];
    }),
  );
}

/** Reads a submitted notebook and finds its lesson; a problem is recorded, never thrown. */
export async function match(student: string, file: string, lessons: Lesson[]): Promise<Entry> {
  const byName = lessonByName(file, lessons);
  let notebook: Notebook;
  try {
    ({ notebook } = await readNotebook(file));
  } catch (error) {
    if (!(error instanceof NotebookError)) throw error;
    // The path names the student's file: say it as the student knows it.
    const problem = error.message.replace(`${file}: `, "");
    return {
      student,
      file,
      lesson: byName,
      problem: `${path.basename(file)} cannot be read as a notebook: ${problem}`,
    };
  }
  const byCells = lessonByCells(notebook, lessons);
  const lesson = byName ?? byCells;
  if (!lesson) {
    return {
      student,
      file,
      problem: `${path.basename(file)} is not a notebook of this course: its name is none of the lessons' (${lessons.map((l) => `${l.name}.ipynb`).join(", ")}) and it holds none of their exercise cells`,
    };
  }
  const entry: Entry = { student, file, lesson, notebook };
  if (byName && byCells && byCells !== byName && lessonByCells(notebook, [byName]) === undefined) {
    entry.problem = `${path.basename(file)} is named as lesson ${byName.name} but holds the exercises of ${byCells.name}: rename it ${byCells.name}.ipynb`;
  }
  return entry;
}
