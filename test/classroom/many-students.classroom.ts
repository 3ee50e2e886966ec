/**
 * A class on one shared hub: N students (default 8; CLASSROOM_STUDENTS=12 for more) run the whole
 * course at the same moment on this machine, each in a copy of the notebooks of their own, each
 * notebook in a tslab kernel of its own, as a JupyterHub server per student would. Every run of
 * every lesson must pass: no lesson may collide with another student's on a port or a file.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { projectRoot } from "../../scripts/jupyter/kernelspec";
import { executeNotebooks, type NotebookRun } from "../../scripts/runner/execute-notebook";
import { TIME_SCALE_VARIABLE } from "../../src/course/exercise";
import { createClassProgress } from "../support/class-progress";
import { sampleClassResources } from "../support/class-resources";
import { beforeDeadline } from "../support/deadline";

const students = Number(process.env.CLASSROOM_STUDENTS ?? 8);
/** Per cell: generous, since N kernels share two cores. A hung cell still ends the test. */
const cellTimeoutMs = 180_000;

// N kernels on two cores: the checks' time limits (there to stop a hang) grow with the class, so
// that a right solution never fails for being slow. The kernels inherit this environment.
process.env[TIME_SCALE_VARIABLE] ??= String(Math.max(1, Math.ceil(students / 2)));

const courseDir = path.join(projectRoot, "notebooks");
// CLASSROOM_LESSONS=3: only the first three lessons, for a quicker look on a busy machine.
const course = readdirSync(courseDir)
  .filter((name) => /^\d\d_.*\.ipynb$/.test(name))
  .sort()
  .slice(0, Number(process.env.CLASSROOM_LESSONS ?? Number.POSITIVE_INFINITY));
console.log(`classroom: ${students} students x ${course.length} lessons from notebooks/`);

/**
 * A student's copy, laid out as binder/start lays it out on a hub: their own notebooks folder,
 * the rest of the course (the helper, the packages, the scripts a lesson runs) as links.
 */
function studentCopy(scratch: string, student: number): string[] {
  const home = path.join(scratch, `student-${student}`);
  const notebooks = path.join(home, "notebooks");
  mkdirSync(notebooks, { recursive: true });
  for (const name of readdirSync(projectRoot)) {
    if (name.startsWith(".") || name === "notebooks" || name === "dist") continue;
    symlinkSync(path.join(projectRoot, name), path.join(home, name));
  }
  symlinkSync(path.join("..", "src"), path.join(notebooks, "src"));
  symlinkSync(path.join(courseDir, "python"), path.join(notebooks, "python")); // the lecture's programs
  return course.map((name) => {
    copyFileSync(path.join(courseDir, name), path.join(notebooks, name));
    return path.join(notebooks, name);
  });
}

describe(`the course run by ${students} students at once`, () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "sockets-course-classroom-"));
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("passes for every student, in every notebook", async ({ task }) => {
    expect(students).toBeGreaterThanOrEqual(8);
    expect(course.length).toBeGreaterThan(0);
    const copies = Array.from({ length: students }, (_, student) => studentCopy(scratch, student));

    const progress = createClassProgress(students, course);
    const resources = sampleClassResources();
    const started = performance.now();
    // Each student works through the course in order; all students at the same time.
    const everyone: Promise<NotebookRun[][]> = Promise.all(
      copies.map((files, student) =>
        executeNotebooks(files, {
          jobs: 1,
          check: true,
          timeout: cellTimeoutMs,
          // Eight kernels starting at once on two cores: give each far more than a quiet start needs.
          startTimeout: 180_000,
          onRun: (run) => progress.finished(student, run),
        }),
      ),
    );
    // vitest's own timeout names no lesson: a little before it (never, if it has none), fail
    // naming the runs not finished.
    const deadlineMs =
      task.timeout > 0
        ? Math.max(task.timeout - 60_000, task.timeout * 0.9)
        : Number.POSITIVE_INFINITY;
    const results = await beforeDeadline(everyone, deadlineMs, () => {
      console.log(`classroom: the lessons finished so far\n${progress.lessonTable()}`);
      return new Error(
        `classroom: not finished after ${(deadlineMs / 1000).toFixed(0)} s; still running:\n${progress.running().join("\n")}`,
      );
    });
    const wallS = ((performance.now() - started) / 1000).toFixed(1);
    const used = resources.stop();

    const runs = results.flat();
    const slowestStartS = Math.max(...runs.map((run) => run.kernelStartMs ?? 0)) / 1000;
    // A port taken between its choice and the kernel's bind: started again (kernel.ts).
    const restarted = runs.filter((run) => (run.kernelStartAttempts ?? 1) > 1).length;
    console.log(
      `classroom: ${runs.length} notebook runs in ${wallS} s; slowest kernel start ${slowestStartS.toFixed(1)} s; kernels started again after a port was taken: ${restarted}\n${progress.lessonTable()}`,
    );
    // For the README's "Sizing the hub": memory and CPU per student, as the sizing guides ask.
    console.log(
      `classroom: resources: ${used.cpuSeconds.toFixed(0)} core-seconds in all (${(used.cpuSeconds / runs.length).toFixed(1)} per lesson run, ${(used.cpuSeconds / students).toFixed(1)} per student); kernels at once at most ${used.peakKernels}, holding at most ${used.peakTotalMb.toFixed(0)} MB together, the largest ${used.peakKernelMb.toFixed(0)} MB`,
    );
    const failures = runs
      .filter((run) => run.failure)
      .map((run) => `${path.relative(scratch, run.file)}: ${run.failure?.message}`);
    expect(failures).toEqual([]);
    expect(runs.map((run) => run.outcome)).toEqual(runs.map(() => "checked"));
  });
});
