/**
 * Grading a class: `npm run grade` on 30 students x 3 lessons against `npm run execute -- --check`
 * on the same 90 notebooks, side by side in one run.
 *
 * Each student's folder holds the first three lessons with their solutions in (a class that did
 * every exercise right: the cost of running, not of waiting out wrong solutions' time limits), and
 * a `src` link so that `npm run execute` can run the copies where they are. Both commands run as a
 * user types them (node, launch.mjs or tsx, the script), two notebooks at a time (execute's
 * default; --jobs 2 for the grader), each notebook in a fresh kernel. What the grader adds on top
 * of execute: a reference run of each lesson, the network namespace, the limits, matching and
 * scoring, and rendering 90 feedback pages. A run takes several minutes per command: one round by
 * default (--runs 2 or more for two), `--quick` grades 2 students x 1 lesson, and
 * `GRADE_BENCH_STUDENTS=N` another class size (on a machine too loaded for 90 notebooks of each).
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

import { courseNotebooks, projectRoot } from "../cli/project";
import type { BenchContext, BenchSection } from "./support/report";
import { elapsedMs, formatNumber, formatRatio, median } from "./support/report";

/**
 * Times grading a class and executing the same notebooks.
 */
export async function bench(context: BenchContext): Promise<BenchSection> {
  const students = context.quick ? 2 : Number(process.env.GRADE_BENCH_STUDENTS ?? 30) || 30;
  const lessons = (await courseNotebooks())
    .map((file) => path.basename(file))
    .slice(0, context.quick ? 1 : 3);
  const rounds = context.quick ? 1 : Math.min(context.runs, 2);
  // Inside the project, so that the kernels see the same @types as the lessons do.
  const work = path.join(projectRoot, "dist", ".bench-grade");
  await rm(work, { recursive: true, force: true });
  const folders: string[] = [];
  const notebooks: string[] = [];
  for (let i = 1; i <= students; i++) {
    const folder = path.join(work, "class", `student${String(i).padStart(2, "0")}`);
    await mkdir(folder, { recursive: true });
    await symlink(path.join(projectRoot, "src"), path.join(folder, "src"));
    for (const lesson of lessons) {
      await copyFile(path.join(projectRoot, "notebooks", lesson), path.join(folder, lesson));
      notebooks.push(path.join(folder, lesson));
    }
    folders.push(folder);
  }
  const run = async (args: string[]) => {
    const start = process.hrtime.bigint();
    let failure: string | undefined;
    try {
      await promisify(execFile)(process.execPath, args, {
        cwd: projectRoot,
        maxBuffer: 64 * 2 ** 20,
      });
    } catch (err) {
      const e = err as { stderr?: string; message?: string };
      failure = (e.stderr || e.message || String(err)).trim().split("\n").slice(-3).join(" / ");
    }
    return { seconds: elapsedMs(start) / 1000, failure };
  };

  const grade: number[] = [];
  const execute: number[] = [];
  const failures: string[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      // Alternate which goes first: a burst of load on a shared machine then hurts both alike.
      const order = round % 2 === 1 ? ["grade", "execute"] : ["execute", "grade"];
      for (const which of order) {
        const result =
          which === "grade"
            ? await run([
                "scripts/launch.mjs",
                "scripts/bin/grade.ts",
                "--jobs",
                "2",
                "--out",
                path.join(work, "grades"),
                ...folders,
              ])
            : await run([
                "--import",
                "tsx",
                "scripts/bin/execute.ts",
                "--check",
                "--jobs",
                "2",
                ...notebooks,
              ]);
        (which === "grade" ? grade : execute).push(result.seconds);
        if (result.failure) failures.push(`${which} failed in round ${round}: ${result.failure}`);
        context.log(`  round ${round}/${rounds} ${which}: ${formatNumber(result.seconds, 1)} s`);
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const ours = median(grade);
  const theirs = median(execute);
  const count = `${students} students x ${lessons.length} lessons`;
  return {
    title: `Grading a class (${count}): npm run grade vs npm run execute`,
    method: `Wall time for ${students * lessons.length} notebooks (${lessons.join(", ")}), every exercise solved, each notebook in a fresh tslab kernel, two at a time: \`npm run grade -- --jobs 2\` (reference runs, network namespaces, scoring and the feedback pages included) and \`npm run execute -- --check --jobs 2\` on the same copies; median of ${rounds} round(s), alternating which goes first. "vs execute" is grade's time divided by execute's.`,
    columns: ["command", "median", "vs execute", "per notebook", "runs (s)"],
    rows: [
      [
        "npm run grade",
        `${formatNumber(ours, 1)} s`,
        formatRatio(ours / theirs),
        `${formatNumber(ours / (students * lessons.length), 2)} s`,
        grade.map((s) => formatNumber(s, 1)).join(", "),
      ],
      [
        "npm run execute -- --check",
        `${formatNumber(theirs, 1)} s`,
        formatRatio(1),
        `${formatNumber(theirs / (students * lessons.length), 2)} s`,
        execute.map((s) => formatNumber(s, 1)).join(", "),
      ],
    ],
    notes: failures,
  };
}
