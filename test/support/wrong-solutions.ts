/**
 * Proving exercise checks: a notebook run once in the real tslab kernel, in which every exercise
 * is tried with the reference solution and then with each of its wrong solutions.
 *
 * Fixtures live in `test/fixtures/wrong-solutions/<notebook name>/<solution cell id>/<mistake>.ts`:
 * each file is the whole source that replaces the solution cell, its first line a `//` comment
 * saying which mistake a student makes there. A fixture whose name starts with `does-not-compile`
 * or `cell-throws` is a cell that fails on purpose: its check must then say that the cell did not run.
 *
 * One kernel per notebook: the notebook's code cells run in order, once. At each solution cell
 * that has fixtures, the reference solution and its check run first (only PASS lines allowed),
 * then for each fixture: the fixture as the solution cell, the check cell, and a clean-up cell
 * (`closeAll()`, so that a server a wrong solution left open cannot break the next one); then the
 * student edition's placeholder (which throws "Exercise not done yet"). Last, the reference
 * solution runs again, so the rest of the notebook sees the function it expects.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { stripSolution } from "../../scripts/handouts/edition";
import { joinSource, readNotebook } from "../../scripts/notebook";
import { type ExecuteResult, type Kernel, startKernel } from "../../scripts/runner/kernel";

/** One wrong solution of one exercise. */
export interface Fixture {
  /** The notebook's file name without `.ipynb`, as the fixture folder names it. */
  notebook: string;
  /** The solution cell's id. */
  cellId: string;
  /** The file name without `.ts`: what the mistake is. */
  mistake: string;
  /** The path, relative to the project, for messages. */
  file: string;
  /** The replacement source of the solution cell. */
  source: string;
}

/** What one cell (or a variant's cell and check) printed. */
export interface CellRun {
  status: ExecuteResult["status"];
  /** stdout and stderr, in order. */
  text: string;
  ms: number;
}

/** What happened to one exercise, or to one wrong solution of it. */
export interface ExerciseRun {
  cellId: string;
  /** The solution cell as it ran (the reference or the fixture). */
  solution: CellRun;
  /** The check cell. */
  check: CellRun;
  /** The check's lines starting with PASS / FAIL. */
  passLines: string[];
  failLines: string[];
}

/** The result of proving one notebook's checks. */
export interface NotebookProof {
  notebook: string;
  /** Each exercise with fixtures, run with its reference solution. */
  references: Map<string, ExerciseRun>;
  /** Each fixture's run, by fixture file. */
  variants: Map<string, ExerciseRun>;
  /** Each exercise with fixtures, run with the student edition's placeholder ("not done yet"). */
  placeholders: Map<string, ExerciseRun>;
  /** Fixtures whose cell id is no solution cell of the notebook followed by a check cell. */
  unknownCells: Fixture[];
  /** A cell of the notebook itself that failed, which stops the run. */
  failure?: string;
  kernelStartMs: number;
  totalMs: number;
}

/** The folder with one sub-folder of fixtures per notebook. */
export const fixturesRoot = path.resolve(import.meta.dirname, "../fixtures/wrong-solutions");

/** Whether a fixture is a cell that fails on purpose (its check must say it did not run). */
export function failsOnPurpose(fixture: Pick<Fixture, "mistake">): boolean {
  return /^(does-not-compile|cell-throws)/.test(fixture.mistake);
}

/**
 * Every fixture, grouped by notebook (file name without `.ipynb`), in name order. */
export async function readFixtures(root = fixturesRoot): Promise<Map<string, Fixture[]>> {
  const byNotebook = new Map<string, Fixture[]>();
  for (const notebook of (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()) {
    const fixtures: Fixture[] = [];
    for (const cellId of (await readdir(path.join(root, notebook))).sort()) {
      const folder = path.join(root, notebook, cellId);
      for (const name of (await readdir(folder)).filter((n) => n.endsWith(".ts")).sort()) {
        const file = path.join(folder, name);
        fixtures.push({
          notebook,
          cellId,
          mistake: name.slice(0, -3),
          file: path.relative(path.resolve(root, "../../.."), file),
          source: (await readFile(file, "utf8")).replace(/\n+$/, ""),
        });
      }
    }
    byNotebook.set(notebook, fixtures);
  }
  return byNotebook;
}

/** Options of {@link proveNotebook}. */
export interface ProveOptions {
  /** Per-cell limit in ms (a hang the check's own limit did not stop). Default 120 000. */
  cellTimeout?: number;
  /**
   * The time scale (SOCKETS_COURSE_TIME_SCALE) inside the kernel while wrong solutions run: they
   * only have to fail, and a wrong solution that hangs then costs less. Default: a fifth of the
   * scale the reference solutions run with.
   */
  variantTimeScale?: number;
}

const cleanUp = [
  'import { closeAll as wrongSolutionsCloseAll } from "./src/index";',
  "await wrongSolutionsCloseAll();",
].join("\n");

/**
 * Runs `file` in one tslab kernel with every fixture of `fixtures` in place of its solution cell
 * in turn. Never throws for a failing check: the verdicts are in the result.
 */
export async function proveNotebook(
  file: string,
  fixtures: readonly Fixture[],
  options: ProveOptions = {},
): Promise<NotebookProof> {
  const started = performance.now();
  const { notebook: nb } = await readNotebook(file, { check: "lenient" });
  const proof: NotebookProof = {
    notebook: path.basename(file, ".ipynb"),
    references: new Map(),
    variants: new Map(),
    placeholders: new Map(),
    unknownCells: [],
    kernelStartMs: 0,
    totalMs: 0,
  };
  const cells = nb.cells;
  const exercises = new Map<string, { solution: number; check: number }>();
  cells.forEach((cell, index) => {
    const next = cells[index + 1];
    if (
      cell.cell_type === "code" &&
      cell.metadata.tags?.includes("solution") &&
      cell.id !== undefined &&
      next?.cell_type === "code" &&
      next.metadata.tags?.includes("check")
    ) {
      exercises.set(cell.id, { solution: index, check: index + 1 });
    }
  });
  const byCell = new Map<string, Fixture[]>();
  for (const fixture of fixtures) {
    if (!exercises.has(fixture.cellId)) proof.unknownCells.push(fixture);
    else byCell.set(fixture.cellId, [...(byCell.get(fixture.cellId) ?? []), fixture]);
  }

  const outerScale = Number(process.env.SOCKETS_COURSE_TIME_SCALE ?? "1") || 1;
  const variantScale = options.variantTimeScale ?? outerScale / 5;
  const timeout = options.cellTimeout ?? 120_000;
  const kernel = await startKernel({ cwd: path.dirname(path.resolve(file)) });
  proof.kernelStartMs = kernel.startMs;
  try {
    // The last cells run, for a failure message: the cell that broke the kernel may be an earlier one.
    const recent: string[] = [];
    const run = async (code: string) => {
      const result = await runCell(kernel, code, timeout);
      recent.push(
        `--- ${code.split("\n")[0].slice(0, 80)} (${result.status}):\n${result.text.trimEnd().slice(0, 600)}`,
      );
      if (recent.length > 4) recent.shift();
      return result;
    };
    const setScale = (scale: number) =>
      run(`process.env.SOCKETS_COURSE_TIME_SCALE = ${JSON.stringify(String(scale))};`);
    const skip = new Set<number>();
    for (const [index, cell] of cells.entries()) {
      if (cell.cell_type !== "code" || skip.has(index)) continue;
      const code = joinSource(cell.source);
      if (code.trim() === "") continue;
      const exercise = cell.id === undefined ? undefined : exercises.get(cell.id);
      const variants = cell.id === undefined ? undefined : byCell.get(cell.id);
      if (exercise === undefined || variants === undefined) {
        const result = await run(code);
        if (result.status !== "ok") {
          proof.failure = `cell ${index + 1} (${cell.id ?? "no id"}) failed before the exercises could be tried:\n${result.text}`;
          return proof;
        }
        continue;
      }
      skip.add(exercise.check);
      const checkCode = joinSource(cells[exercise.check].source);
      const tryOut = async (solutionCode: string): Promise<ExerciseRun> => {
        const solution = await run(solutionCode);
        const check = await run(checkCode);
        await run(cleanUp);
        return { cellId: cell.id ?? "", solution, check, ...verdicts(check.text) };
      };
      proof.references.set(cell.id ?? "", await tryOut(code));
      await setScale(variantScale);
      for (const fixture of variants)
        proof.variants.set(fixture.file, await tryOut(fixture.source));
      // What a student who has not started sees: the solution replaced as the student edition does.
      const placeholder = stripSolution(code, { file, cell: { index: index + 1, id: cell.id } });
      proof.placeholders.set(cell.id ?? "", await tryOut(placeholder));
      await setScale(outerScale);
      // The rest of the notebook sees the reference solution again.
      const restored = await run(code);
      if (restored.status !== "ok") {
        proof.failure = `the reference solution ${cell.id} did not run again after its wrong solutions; the last cells run:\n${recent.join("\n")}`;
        return proof;
      }
    }
    return proof;
  } finally {
    await kernel.shutdown();
    proof.totalMs = performance.now() - started;
  }
}

/** Runs one cell; tslab answers "abort" for about 200 ms after a failed cell: then sends it again. */
async function runCell(kernel: Kernel, code: string, timeout: number): Promise<CellRun> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    const result = await kernel.execute(code, { timeout });
    if (result.status === "abort" && attempt < 5) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      continue;
    }
    const text = result.outputs
      .filter((m) => m.header.msg_type === "stream")
      .map((m) => String(m.content.text))
      .join("");
    return { status: result.status, text, ms: performance.now() - started };
  }
}

function verdicts(text: string): { passLines: string[]; failLines: string[] } {
  const lines = text.split("\n").map((line) => line.trimEnd());
  return {
    passLines: lines.filter((line) => line.startsWith("PASS")),
    failLines: lines.filter((line) => line.startsWith("FAIL")),
  };
}

/** A variant's outputs, for a failure message a maintainer can act on. */
export function describeRun(run: ExerciseRun): string {
  const indent = (text: string) =>
    text.trim() ? text.trimEnd().replace(/^/gm, "    ") : "    (nothing)";
  return [
    `  the solution cell (${run.solution.status}, ${(run.solution.ms / 1000).toFixed(1)} s) printed:`,
    indent(run.solution.text),
    `  the check cell (${run.check.status}, ${(run.check.ms / 1000).toFixed(1)} s) printed:`,
    indent(run.check.text),
  ].join("\n");
}
