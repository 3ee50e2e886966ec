import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, expect, test } from "vitest";
import { type CodeCell, serializeNotebook } from "../../scripts/notebook";
import { CellFailure } from "../../scripts/runner/cell-failure";
import { executeNotebooks, type NotebookRun } from "../../scripts/runner/execute-notebook";

const fixtures = path.join(import.meta.dirname, "..", "fixtures", "notebooks");
const names = ["passing", "throws", "background", "type-error", "burst", "check-fails", "exits"];
const files = names.map((name) => path.join(fixtures, `${name}.ipynb`));

const before = new Map<string, string>();
const runs = new Map<string, NotebookRun>();

// One run of every fixture, two kernels at a time (a kernel start is about 2 s), written for real
// (not --check): a failing notebook must stay as it was, a passing one must come out the same.
beforeAll(async () => {
  for (const file of files) before.set(file, await readFile(file, "utf8"));
  const results = await executeNotebooks(files, { jobs: 2, idleTimeout: 3_000 });
  for (const [i, run] of results.entries()) runs.set(names[i], run);
}, 300_000);

function failure(name: string): CellFailure {
  const { failure } = runs.get(name) as NotebookRun;
  expect(failure).toBeInstanceOf(CellFailure);
  return failure as CellFailure;
}

test("executeNotebooks returns one run per notebook in the order given", () => {
  expect([...runs.values()].map((run) => run.file)).toEqual(files);
});

test("re-executing a stored notebook changes nothing: same outputs, ids, metadata and bytes", async () => {
  const run = runs.get("passing") as NotebookRun;
  expect(run.failure).toBeUndefined();
  expect(run.outcome).toBe("unchanged");
  expect(serializeNotebook(run.notebook as never)).toBe(before.get(files[0]));
  expect(run.cellsRun).toBe(5);
  expect(run.kernelStartMs).toBeGreaterThan(0);
});

test("a run's totalMs holds its kernel start and every cell, so at least the 100 ms a cell waits", () => {
  const run = runs.get("background") as NotebookRun;
  const cellsMs = run.cellMs.reduce((sum, ms) => sum + ms, 0);
  expect(run.cellMs[0]).toBeGreaterThanOrEqual(100);
  expect(run.totalMs).toBeGreaterThanOrEqual((run.kernelStartMs as number) + cellsMs);
});

test("the stored notebook holds stdout, stderr, display_data, no timing and no execution_count", () => {
  const nb = (runs.get("passing") as NotebookRun).notebook;
  const byId = new Map(
    nb?.cells
      .filter((cell) => cell.cell_type === "code")
      .map((cell) => [cell.id, cell as CodeCell]),
  );
  expect(byId.get("helper")?.outputs).toEqual([
    { output_type: "stream", name: "stdout", text: "6 bytes: héllo\n" },
  ]);
  expect(byId.get("streams")?.outputs?.map((o) => o.output_type === "stream" && o.name)).toEqual([
    "stdout",
    "stderr",
    "stdout",
  ]);
  expect(byId.get("display")?.outputs).toEqual([
    {
      output_type: "display_data",
      data: { "text/html": "<b>bold</b> and <i>italic</i>" },
      metadata: {},
    },
  ]);
  for (const cell of nb?.cells ?? []) {
    expect(cell.metadata).not.toHaveProperty("execution");
    if (cell.cell_type === "code") expect(cell.execution_count).toBeNull();
  }
});

test("a cell that throws fails the run, naming the cell, its source and the error", () => {
  const error = failure("throws");
  expect(error).toMatchObject({ kind: "error", cellNumber: 2, cellId: "throws" });
  expect(error.message).toContain(`${files[1]}, cell 2 (id "throws"): the cell failed`);
  expect(error.message).toContain("  2 | throw new Error(`boom: the fixture throws on purpose (");
  expect(error.message).toContain("Error: boom: the fixture throws on purpose (42)");
  expect(runs.get("throws")?.cellsRun).toBe(2);
});

test("a failed notebook is left on disk exactly as it was", async () => {
  for (const name of names.slice(1)) {
    const run = runs.get(name) as NotebookRun;
    expect(run.outcome).toBe("failed");
    const file = files[names.indexOf(name)];
    expect(await readFile(file, "utf8")).toBe(before.get(file));
  }
});

test("a timer that throws while its cell waits fails the cell, though tslab calls the cell ok", () => {
  const error = failure("background");
  expect(error).toMatchObject({ kind: "background", cellId: "timer" });
  expect(error.detail).toContain("UncaughtException: Error: thrown from a timer");
});

test("a type error fails the cell with the compiler's message", () => {
  const error = failure("type-error");
  expect(error).toMatchObject({ kind: "error", cellNumber: 1 });
  expect(error.detail).toContain("Type 'string' is not assignable to type 'number'");
});

test("output the kernel cut off in a burst is a failure, never a silently shorter output", () => {
  const error = failure("burst");
  expect(error.kind).toBe("cut-off");
  expect(error.message).toContain("print fewer lines");
});

test("a check cell that prints a FAIL line fails the run with that line", () => {
  const error = failure("check-fails");
  expect(error).toMatchObject({ kind: "check", cellId: "check" });
  expect(error.detail).toBe("FAIL shout: expected HELLO, got hello (hint: toUpperCase)");
});

test("a cell that ends the kernel process fails, naming the cell and the exit", () => {
  const error = failure("exits");
  expect(error).toMatchObject({ kind: "error", cellNumber: 1, cellId: "exit" });
  expect(error.detail).toContain("the tslab kernel exited (code 3)");
});
