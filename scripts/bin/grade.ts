/**
 * `npm run grade -- [options] SUBMISSIONS...`: a class's submitted notebooks -> grades.csv,
 * summary.csv and a feedback page per notebook (scripts/grade/).
 *
 * Exit status: 0 when every submitted notebook was graded (failing checks are grades, not
 * errors); 1 when some notebook could not be graded, in whole or part (a row "invalid", or a
 * kernel that would not start), or a lesson cannot be graded; 2 for bad arguments.
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { TIME_SCALE_VARIABLE } from "../../src/course/exercise";
import { projectRoot } from "../cli/project";
import { UsageError } from "../cli/usage-error";
import { type GradeResult, gradeClass } from "../grade/grade-class";
import { LessonError } from "../grade/lesson";
import { kernelLauncher, probeNetworkIsolation } from "../grade/sandbox";
import { SubmissionArgumentError } from "../grade/submissions";
import { OutputError } from "../handouts/write";
import { NotebookError } from "../notebook";

const usage = `usage: npm run grade -- [options] SUBMISSION...
  Grades the students' notebooks: grades.csv, summary.csv and feedback/STUDENT/NOTEBOOK.html.
  SUBMISSION        a folder per student (its name is the student; notebooks may be in
                    subfolders) or one .ipynb (the student is its name)
  --out DIR         where the results go, replaced as a whole (default dist/grades)
  --course DIR      the instructor's lessons, with solutions and hidden checks (default notebooks)
  --jobs N          notebooks graded at once, one kernel each (default: the number of cores)
  --timeout S       limit per cell in seconds (default 60, times the time scale)
  --notebook-timeout S  limit per notebook in seconds (default 600, times the time scale)
  --memory MB       heap limit of each kernel (default 1024)
  Checks' own time limits are multiplied by SOCKETS_COURSE_TIME_SCALE (default: jobs per core,
  at least 1), and so are the default --timeout and --notebook-timeout.`;

interface GradeArgs {
  submissions: string[];
  out: string;
  course: string;
  jobs: number;
  timeScale: number;
  cellMs: number;
  notebookMs: number;
  memoryMb: number;
}

/**
 * Reads the command line.
 *
 * @throws UsageError for an unknown option, a bad number, or no submission
 */
export function parseGradeArgs(argv: readonly string[], env = process.env): GradeArgs {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: "string" },
        course: { type: "string" },
        jobs: { type: "string" },
        timeout: { type: "string" },
        "notebook-timeout": { type: "string" },
        memory: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError("");
  if (positionals.length === 0)
    throw new UsageError("name at least one submission (a student's folder or .ipynb)");
  const number = (name: string, text: string | undefined, integer: boolean) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      throw new UsageError(
        `--${name} takes a positive ${integer ? "whole number" : "number"}, not "${text}"`,
      );
    }
    return value;
  };
  const cores = os.availableParallelism();
  const jobs = number("jobs", values.jobs, true) ?? cores;
  const given = env[TIME_SCALE_VARIABLE];
  const timeScale =
    given !== undefined && Number(given) > 0 ? Number(given) : Math.max(1, Math.ceil(jobs / cores));
  return {
    submissions: positionals,
    out: values.out ?? path.join(projectRoot, "dist", "grades"),
    course: values.course ?? path.join(projectRoot, "notebooks"),
    jobs,
    timeScale,
    cellMs: (number("timeout", values.timeout, false) ?? 60 * timeScale) * 1000,
    notebookMs:
      (number("notebook-timeout", values["notebook-timeout"], false) ?? 600 * timeScale) * 1000,
    memoryMb: number("memory", values.memory, true) ?? 1024,
  };
}

async function main(argv: string[]): Promise<number> {
  let args: GradeArgs;
  try {
    args = parseGradeArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message === "") {
      console.log(usage);
      return 0;
    }
    console.error(`grade: ${error.message}\n\n${usage}`);
    return 2;
  }
  const log = (line: string) => console.error(line);
  const network = probeNetworkIsolation();
  log(network.note);
  // Ctrl-C (and kill, or a closed terminal): the kernels are killed as this process exits
  // (kernel.ts), with what their code started (sweep.ts), and the temporary copies removed
  // (grade-class.ts); the output folder is only ever replaced whole, so it stays as it was.
  for (const [signal, number] of [
    ["SIGINT", 2],
    ["SIGTERM", 15],
    ["SIGHUP", 1],
  ] as const) {
    process.once(signal, () => {
      console.error("\ngrade: interrupted; nothing written, the previous results are as they were");
      process.exit(128 + number);
    });
  }
  let result: GradeResult;
  try {
    result = await gradeClass({
      submissions: args.submissions,
      course: args.course,
      out: args.out,
      jobs: args.jobs,
      limits: {
        cellMs: args.cellMs,
        notebookMs: args.notebookMs,
        memoryMb: args.memoryMb,
        outputBytes: 4 * 2 ** 20,
      },
      launch: {
        ...kernelLauncher({ memoryMb: args.memoryMb, isolated: network.isolated }),
        env: { [TIME_SCALE_VARIABLE]: String(args.timeScale) },
        startTimeout: 60_000 * args.timeScale,
      },
      log,
    });
  } catch (error) {
    if (error instanceof SubmissionArgumentError) {
      console.error(`grade: ${error.message}`);
      return 2;
    }
    if (
      error instanceof LessonError ||
      error instanceof NotebookError ||
      error instanceof OutputError
    ) {
      console.error(`grade: ${error.message}`);
      return 1;
    }
    throw error;
  }
  console.log(closingTable(result));
  if (result.ungraded.length > 0) {
    console.error(
      `grade: ${result.ungraded.length} notebook(s) could not be graded in whole or part (status "invalid" or "error" in grades.csv):\n${[...new Set(result.ungraded)].map((f) => `  ${path.relative(process.cwd(), f)}`).join("\n")}`,
    );
    return 1;
  }
  return 0;
}

/** Per lesson: how many notebooks, the mean points, and how the checks came out. */
function closingTable(result: GradeResult): string {
  const statuses = ["pass", "fail", "error", "timeout", "invalid"] as const;
  const header = ["notebook", "students", "mean points", "max", ...statuses];
  const lines = result.notebooks.map((name) => {
    const rows = result.rows.filter((row) => row.notebook === name);
    const perStudent = result.students.map((student) =>
      rows.filter((row) => row.student === student).reduce((sum, row) => sum + row.points, 0),
    );
    const max = rows
      .filter((row) => row.student === result.students[0])
      .reduce((sum, row) => sum + row.max_points, 0);
    const mean = perStudent.reduce((a, b) => a + b, 0) / Math.max(1, perStudent.length);
    return [
      name,
      String(result.students.length),
      mean.toFixed(1),
      String(max),
      ...statuses.map((s) => String(rows.filter((row) => row.status === s).length)),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ");
  return [format(header), ...lines.map(format)].join("\n");
}

process.exitCode = await main(process.argv.slice(2));
