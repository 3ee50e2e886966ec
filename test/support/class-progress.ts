/**
 * Where a class's run of the course stands: a line as each student finishes a lesson, the lessons
 * still running, and at the end how long each lesson took. A slow or stalled run then names its
 * lesson and student, where vitest's own timeout names only the test.
 */
import path from "node:path";

import type { NotebookRun } from "../../scripts/runner/execute-notebook";

/** What the classroom test knows of the class as it runs. */
export interface ClassProgress {
  /**
   * Records a student's finished lesson and prints one line for it at once, so that a stall shows
   * live: the lessons that print no line are the ones still running.
   */
  finished(student: number, run: NotebookRun): void;
  /**
   * One indented line per student not done: the lesson they are running and for how long, e.g.
   * "  student-3 07_echo_server_and_client.ipynb, running for 912.0 s".
   */
  running(): string[];
  /**
   * Per lesson: runs, failures, the median and the slowest of one student's run of it (kernel
   * start, cells and shutdown, `totalMs`) and the slowest kernel start alone.
   */
  lessonTable(): string;
}

/**
 * Progress of `students` students each working through `course` (notebook file names) in order,
 * one lesson at a time (executeNotebooks with `jobs: 1`): a student's running lesson is the one
 * after the last they finished, running since they finished it.
 */
export function createClassProgress(students: number, course: readonly string[]): ClassProgress {
  const started = performance.now();
  const done: NotebookRun[][] = Array.from({ length: students }, () => []);
  const since: number[] = Array.from({ length: students }, () => started);
  let count = 0;

  return {
    finished(student, run) {
      done[student].push(run);
      since[student] = performance.now();
      count++;
      // Straight to stderr: vitest puts a header and a blank line around every console.log.
      process.stderr.write(
        `classroom: [${count}/${students * course.length}] student-${student} ${path.basename(run.file)} ${seconds(run.totalMs)} s ${run.outcome}\n`,
      );
    },

    running() {
      const now = performance.now();
      return done.flatMap((runs, student) =>
        runs.length < course.length
          ? [
              `  student-${student} ${course[runs.length]}, running for ${seconds(now - since[student])} s`,
            ]
          : [],
      );
    },

    lessonTable() {
      const rows = course.map((lesson) => {
        const runs = done.flatMap((student) =>
          student.filter((run) => path.basename(run.file) === lesson),
        );
        if (runs.length === 0) return [lesson, "0", "", "", "", ""];
        const totals = runs.map((run) => run.totalMs);
        const slowest = runs.reduce((a, b) => (b.totalMs > a.totalMs ? b : a));
        const student = done.findIndex((student) => student.includes(slowest));
        return [
          lesson,
          String(runs.length),
          String(runs.filter((run) => run.failure).length),
          seconds(median(totals)),
          `${seconds(slowest.totalMs)} (student-${student})`,
          seconds(Math.max(...runs.map((run) => run.kernelStartMs ?? 0))),
        ];
      });
      return markdownTable(
        ["lesson", "runs", "failed", "median s", "slowest s", "slowest kernel start s"],
        rows,
      );
    },
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Columns padded to line up in a terminal, and still a table when pasted into markdown. */
function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((width, i) => `${"-".repeat(width + 1)}${i === 0 ? "-" : ":"}`).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
