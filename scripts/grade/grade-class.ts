/**
 * Grading a class: find the submissions, match each notebook to its lesson, learn each lesson's
 * checks from a reference run, run every submitted notebook in a fresh kernel (`jobs` at a time),
 * and turn the runs into grades.csv rows, summary.csv and feedback pages, written all at once.
 *
 *   gradeClass
 *   ├── submissions.ts  who submitted what; the notebook to run (checks put back, hidden added)
 *   ├── lesson.ts       the instructor's lessons: exercises, check cells, points
 *   ├── run.ts          one notebook in one kernel, with limits (sandbox.ts: how it starts)
 *   ├── verdicts.ts     a check cell's output -> one verdict per check
 *   ├── csv.ts          grades.csv, summary.csv
 *   └── feedback.ts     the feedback pages (the handouts renderer)
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import pMap from "p-map";
import { projectRoot } from "../cli/project";
import { createRenderer } from "../handouts/export";
import { checkReplaceable, writeDirectory } from "../handouts/write";
import { joinSource, type Notebook, serializeNotebook } from "../notebook";
import { type GradeRow, gradesCsv, sum, summaryCsv } from "./csv";
import { besideLessons, courseLessons, type Entry, match } from "./entries";
import { type ExerciseFeedback, feedbackPage, problemPage } from "./feedback";
import { type Lesson, learnChecks } from "./lesson";
import { probeProblem, withProbes } from "./probe";
import { type KernelLaunch, type RunLimits, runForGrading } from "./run";
import { findSubmissions, gradingNotebook } from "./submissions";
import { scoreCheckCell, type Verdict } from "./verdicts";

/** What `npm run grade` grades, with what limits, and where the results go. */
export interface GradeOptions {
  /** Folders (one per student) and .ipynb files, as given on the command line. */
  submissions: string[];
  /** The instructor's lessons (default notebooks/). */
  course: string;
  out: string;
  jobs: number;
  limits: RunLimits;
  /** How kernels start (sandbox.ts) and their environment (the time scale). */
  launch: KernelLaunch;
  /** Progress lines. */
  log: (line: string) => void;
}

/** A class's grades: the rows of grades.csv, and who and what was graded. */
export interface GradeResult {
  rows: GradeRow[];
  students: string[];
  /** The lessons graded (every lesson someone submitted), in order. */
  notebooks: string[];
  /** Notebooks that could not be graded in whole or part (invalid, or the kernel did not start). */
  ungraded: string[];
  /** Per notebook graded: the run's time in ms. */
  runs: number;
}

/** What one student handed in for one lesson (or a notebook that is no lesson). */
/**
 * Where runs get their temporary copies: inside the project, so that tslab sees the lessons' own
 * @types, and outside node_modules, where tslab does not compile `./src/index` (it is taken for a
 * package's file and not found).
 */
const workRoot = path.join(projectRoot, "dist", ".grade-work");

/**
 * Grades every submission and writes `out` (replaced as a whole, only at the end).
 *
 * @throws SubmissionArgumentError for a bad command line, LessonError for a lesson that cannot be
 *   graded, OutputError when `out` cannot be written
 */
export async function gradeClass(options: GradeOptions): Promise<GradeResult> {
  const started = performance.now();
  const submissions = await findSubmissions(options.submissions);
  // Refuse an --out that is not ours now, not after grading the whole class.
  await checkReplaceable(options.out);
  const lessons = await courseLessons(options.course);
  const entries: Entry[] = [];
  for (const submission of submissions) {
    const mine: Entry[] = [];
    for (const file of submission.files) {
      const entry = await match(submission.student, file, lessons);
      const twin =
        entry.lesson && mine.find((other) => other.lesson === entry.lesson && !other.problem);
      if (twin && !entry.problem) {
        entry.problem = `${path.basename(twin.file)} of this student is ${entry.lesson?.name} too (${path.relative(process.cwd(), twin.file)}): only that one is graded; hand in one copy of each lesson`;
      }
      mine.push(entry);
    }
    entries.push(...mine);
  }
  const graded = lessons.filter((lesson) => entries.some((entry) => entry.lesson === lesson));
  const work = path.join(workRoot, `run-${process.pid}-${randomBytes(4).toString("hex")}`);
  // The console probes' nonce (probe.ts): new for every run, so no notebook can know it.
  const nonce = randomBytes(8).toString("hex");
  await mkdir(work, { recursive: true });
  const cleanUp = () => rmSync(work, { recursive: true, force: true });
  process.once("exit", cleanUp);
  try {
    const beside = await besideLessons(options.course);
    let slot = 0;
    const runIn = async (
      cells: Notebook["cells"],
      notebook: Notebook,
      name: string,
      probed?: Lesson,
    ) => {
      const folder = path.join(work, String(slot++).padStart(4, "0"));
      await mkdir(folder);
      for (const [folderName, target] of beside)
        await symlink(target, path.join(folder, folderName));
      // The temporary copy the kernel runs beside (the submission itself is only read).
      await writeFile(
        path.join(folder, `${name}.ipynb`),
        serializeNotebook({ ...notebook, cells }),
      );
      const code = cells
        .filter((cell) => cell.cell_type === "code")
        .map((cell) => ({
          id: cell.id,
          source: joinSource(cell.source),
        }));
      return runForGrading(probed ? withProbes(code, probed, nonce) : code, {
        cwd: folder,
        launch: options.launch,
        limits: options.limits,
      });
    };

    options.log(
      `grade: ${submissions.length} student(s), ${entries.filter((e) => e.lesson && !e.problem).length} notebook(s) of ${graded.length} lesson(s); first a reference run of each lesson, then ${options.jobs} at a time`,
    );
    await pool(graded, options.jobs, async (lesson) => {
      const run = await runIn(lesson.notebook.cells, lesson.notebook, lesson.name);
      learnChecks(lesson, run);
      options.log(
        `grade: reference run of ${lesson.name}: ${lesson.exercises.flatMap((e) => e.checkCells).flatMap((c) => c.checks).length} checks (${seconds(run.totalMs)})`,
      );
    });

    const todo = entries.filter((entry) => entry.lesson && entry.notebook && !entry.problem);
    let done = 0;
    const runsStarted = performance.now();
    await pool(todo, options.jobs, async (entry) => {
      const lesson = entry.lesson as Lesson;
      entry.grading = gradingNotebook(lesson, entry.notebook as Notebook);
      entry.run = await runIn(entry.grading.cells, entry.notebook as Notebook, lesson.name, lesson);
      entry.altered = new Map(
        lesson.exercises.flatMap((exercise) => {
          const problem = probeProblem(entry.run, lesson, exercise.id, nonce);
          return problem === undefined ? [] : [[exercise.id, problem] as const];
        }),
      );
      done++;
      const rows = rowsOf(entry);
      // Wall time per notebook so far: `jobs` at a time is already in it.
      const perRun = (performance.now() - runsStarted) / done;
      const left = Math.ceil(((todo.length - done) * perRun) / 1000);
      options.log(
        `grade: ${done}/${todo.length} ${entry.student} ${lesson.name}: ${sum(rows.map((r) => r.points))} of ${sum(rows.map((r) => r.max_points))} points (${seconds(entry.run.totalMs)})${done < todo.length ? `, about ${left < 90 ? `${left} s` : `${Math.round(left / 60)} min`} left` : ""}`,
      );
    });

    const rows: GradeRow[] = [];
    const ungraded: string[] = [];
    const pages = new Map<string, string>();
    const renderer = await createRenderer();
    const students = submissions.map((s) => s.student);
    for (const student of students) {
      const mine = entries.filter((entry) => entry.student === student);
      for (const lesson of graded) {
        const entry =
          mine.find((e) => e.lesson === lesson && !e.problem) ??
          mine.find((e) => e.lesson === lesson);
        if (!entry) {
          const notSubmitted = `not submitted: no ${lesson.name}.ipynb in this student's submission`;
          rows.push(
            ...lessonRows(student, lesson, () => ({ status: "invalid", message: notSubmitted })),
          );
          pages.set(
            `feedback/${student}/${lesson.name}.html`,
            problemPage(renderer, {
              student,
              notebook: lesson.name,
              title: lesson.title,
              problem: notSubmitted,
            }),
          );
          continue;
        }
        const these = rowsOf(entry);
        rows.push(...these);
        if (entry.problem || entry.run?.startFailure || entry.grading?.invalid.size)
          ungraded.push(entry.file);
        pages.set(`feedback/${student}/${lesson.name}.html`, entryPage(renderer, entry));
      }
      for (const entry of mine.filter(
        (e) => !e.lesson || (e.problem && mine.some((o) => o !== e && o.lesson === e.lesson)),
      )) {
        // Notebooks of no lesson, and extra copies of a lesson: a row and a page each, no points.
        const name = path.basename(entry.file).replace(/\.ipynb$/i, "");
        const problem = entry.problem ?? "not part of this course";
        rows.push({
          student,
          notebook: name,
          exercise: "",
          check: "",
          points: 0,
          max_points: 0,
          status: "invalid",
          message: problem,
        });
        ungraded.push(entry.file);
        if (!entry.lesson)
          pages.set(
            `feedback/${student}/${name}.html`,
            problemPage(renderer, {
              student,
              notebook: name,
              title: path.basename(entry.file),
              problem,
            }),
          );
      }
    }
    const files = new Map<string, string>([
      ["grades.csv", gradesCsv(rows)],
      [
        "summary.csv",
        summaryCsv(
          rows,
          graded.map((l) => l.name),
          students,
        ),
      ],
      ...pages,
    ]);
    await writeDirectory(options.out, files, "npm run grade");
    options.log(
      `grade: wrote ${path.relative(process.cwd(), options.out) || "."} in ${seconds(performance.now() - started)}`,
    );
    return { rows, students, notebooks: graded.map((l) => l.name), ungraded, runs: todo.length };
  } finally {
    cleanUp();
    process.off("exit", cleanUp);
  }
}

/** The rows of one entry: every check of its lesson (or one row for a notebook of no lesson). */
function rowsOf(entry: Entry): GradeRow[] {
  const { student, lesson } = entry;
  if (!lesson) return [];
  if (entry.problem)
    return lessonRows(student, lesson, () => ({
      status: "invalid",
      message: entry.problem as string,
    }));
  const run = entry.run;
  const grading = entry.grading;
  if (!run || !grading) return [];
  if (run.startFailure) {
    return lessonRows(student, lesson, () => ({
      status: "error",
      message: `not graded: ${run.startFailure}`,
    }));
  }
  return lesson.exercises.flatMap((exercise) =>
    verdictsOf(entry, exercise.id).map((v) => ({
      student,
      notebook: lesson.name,
      exercise: exercise.id,
      check: v.check.name,
      points: v.points,
      max_points: v.check.points,
      status: v.status,
      message: v.message,
    })),
  );
}

function verdictsOf(entry: Entry, exerciseId: string): Array<Verdict & { hidden: boolean }> {
  const lesson = entry.lesson as Lesson;
  const exercise = lesson.exercises.find((e) => e.id === exerciseId);
  if (!exercise) return [];
  const invalid = entry.grading?.invalid.get(exercise.id);
  const altered = entry.altered?.get(exercise.id);
  return exercise.checkCells.flatMap((checkCell) => {
    const verdicts: Verdict[] = invalid
      ? checkCell.checks.map((check) => ({ check, status: "invalid", points: 0, message: invalid }))
      : scoreCheckCell(
          checkCell.checks,
          entry.run?.cells.get(checkCell.id),
          entry.run?.stop,
          entry.run?.cells.get(exercise.id),
        );
    return verdicts.map((v) => ({
      ...v,
      ...(altered && v.status === "pass"
        ? { status: "error" as const, points: 0, message: altered }
        : {}),
      hidden: checkCell.hidden,
    }));
  });
}

/** A row for every check of a lesson, all with the same outcome. */
function lessonRows(
  student: string,
  lesson: Lesson,
  outcome: () => Pick<GradeRow, "status" | "message">,
): GradeRow[] {
  return lesson.exercises.flatMap((exercise) =>
    exercise.checkCells.flatMap((checkCell) =>
      checkCell.checks.map((check) => ({
        student,
        notebook: lesson.name,
        exercise: exercise.id,
        check: check.name,
        points: 0,
        max_points: check.points,
        ...outcome(),
      })),
    ),
  );
}

function entryPage(renderer: Awaited<ReturnType<typeof createRenderer>>, entry: Entry): string {
  const lesson = entry.lesson as Lesson;
  const exercises: ExerciseFeedback[] = lesson.exercises.map((exercise) => ({
    title: exercise.title,
    code: entry.grading?.code.get(exercise.id),
    verdicts:
      entry.problem || entry.run?.startFailure
        ? exercise.checkCells.flatMap((c) =>
            c.checks.map((check) => ({
              check,
              status: entry.problem ? ("invalid" as const) : ("error" as const),
              points: 0,
              message: entry.problem ?? `not graded: ${entry.run?.startFailure}`,
              hidden: c.hidden,
            })),
          )
        : verdictsOf(entry, exercise.id),
  }));
  const note =
    entry.problem ?? entry.run?.stop?.reason.replace(/^not run: /, "The run stopped early: ");
  return feedbackPage(renderer, { student: entry.student, lesson, exercises, note });
}

/**
 * Runs `work` on every item, at most `jobs` at once; the first error stops new work and is thrown
 * once the work already started has ended (its kernels must stop before the work folder goes).
 */
async function pool<T>(
  items: readonly T[],
  jobs: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let failure: unknown;
  await pMap(
    items,
    async (item) => {
      if (failure !== undefined) return;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    },
    { concurrency: Math.max(1, jobs) },
  );
  if (failure !== undefined) throw failure;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
