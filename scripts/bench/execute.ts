/**
 * Executing the course: `npm run execute` (our Node runner, scripts/runner/) against Jupyter's
 * `jupyter nbconvert --to notebook --execute` with the same tslab kernel, side by side.
 *
 * Both run every notebook of notebooks/ in a fresh kernel, two notebooks at a time (the runner's
 * default), and write nothing into notebooks/:
 * - `npm run execute -- --check` is run as the command a user types (as
 *   `node --import tsx scripts/bin/execute.ts`, without npm's own startup), so its Node startup counts;
 * - nbconvert runs as `npm run check:nbconvert` runs it (scripts/bin/nbconvert-check.ts): one
 *   `jupyter-nbconvert` process per notebook, the project's kernelspec in a temporary folder.
 *
 * A whole-course run takes minutes, so this comparison does at most 3 rounds and no warm-up (every
 * run starts its kernels afresh anyway); `--quick` runs one notebook once.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { courseNotebooks, projectRoot } from "../cli/project";
import { findNbconvert, nbconvertNotebooks } from "../jupyter/nbconvert";
import type { BenchContext, BenchSection } from "./support/report";
import { elapsedMs, formatNumber, formatRatio, median } from "./support/report";

/**
 * Times the course's execution both ways.
 */
export async function bench(context: BenchContext): Promise<BenchSection> {
  const all = await courseNotebooks();
  const files = context.quick ? all.slice(0, 1) : all;
  const rounds = context.quick ? 1 : Math.min(context.runs, 3);
  const nbconvert = await findNbconvert();
  const title = "Executing the course: npm run execute vs jupyter nbconvert --execute";
  if (files.length === 0) {
    return { title, method: "No notebooks in notebooks/: nothing to time.", columns: [], rows: [] };
  }

  const ours: number[] = [];
  const theirs: number[] = [];
  const failures: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    let start = process.hrtime.bigint();
    try {
      await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "scripts/bin/execute.ts", "--check", "--jobs", "2", ...files],
        { cwd: projectRoot, maxBuffer: 16 * 2 ** 20 },
      );
    } catch (err) {
      failures.push(`npm run execute failed in round ${round}: ${firstLines(err)}`);
    }
    ours.push(elapsedMs(start) / 1000);
    context.log(`  round ${round}/${rounds} npm run execute: ${formatNumber(ours.at(-1) ?? 0)} s`);
    if (!nbconvert) continue;
    start = process.hrtime.bigint();
    const runs = await nbconvertNotebooks(files, { nbconvert, jobs: 2 });
    theirs.push(elapsedMs(start) / 1000);
    for (const run of runs.filter((r) => !r.ok)) {
      failures.push(
        `nbconvert failed on ${run.file} in round ${round}: ${run.report.split("\n")[0]}`,
      );
    }
    context.log(`  round ${round}/${rounds} nbconvert: ${formatNumber(theirs.at(-1) ?? 0)} s`);
  }

  const oursMedian = median(ours);
  const theirsMedian = median(theirs);
  const runs = (samples: number[]) => samples.map((s) => formatNumber(s, 1)).join(", ");
  const rows = [
    [
      "npm run execute (Node, scripts/runner/)",
      `${formatNumber(oursMedian, 1)} s`,
      nbconvert ? formatRatio(theirsMedian / oursMedian) : "n/a",
      runs(ours),
    ],
  ];
  if (nbconvert) {
    rows.push([
      "jupyter nbconvert --to notebook --execute",
      `${formatNumber(theirsMedian, 1)} s`,
      formatRatio(1),
      runs(theirs),
    ]);
  }
  return {
    title,
    method: `Wall time to execute ${files.length} notebook(s) (${files.map((f) => path.basename(f)).join(", ")}), each in a fresh tslab kernel, two at a time, outputs checked and not stored; median of ${rounds} round(s), the two alternating. "Speed-up" is nbconvert's time divided by this row's.`,
    columns: ["runner", "median", "speed-up vs nbconvert", "runs (s)"],
    rows,
    goals: [
      {
        goal: "npm run execute faster than jupyter nbconvert --execute",
        met: nbconvert ? oursMedian < theirsMedian : undefined,
      },
    ],
    notes: [
      ...(nbconvert ? [] : ["jupyter-nbconvert is not installed here: only our runner was timed"]),
      ...failures,
    ],
  };
}

/** What the runner said about the failing cell, on one line (it prints the cell after FAILED). */
function firstLines(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  const lines = (e.stderr || e.message || String(err)).trim().split("\n");
  const at = Math.max(
    0,
    lines.findIndex((line) => line.startsWith("FAILED")),
  );
  return lines
    .slice(at, at + 4)
    .map((line) => line.trim())
    .join(" / ");
}
