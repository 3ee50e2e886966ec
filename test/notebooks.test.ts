import path from "node:path";
/**
 * Every lesson, executed in the real tslab kernel the way `npm run execute -- --check` does: a cell
 * that fails (error, background error, cut-off output, timeout) or an exercise check that prints a
 * FAIL line fails this test. Nothing is written.
 */
import { expect, test } from "vitest";
import { courseNotebooks } from "../scripts/cli/project";
import { executeNotebooks, type NotebookRun } from "../scripts/runner/execute-notebook";

const files = (await courseNotebooks()).map((file) => path.relative(process.cwd(), file));

// All lessons start at once, two kernels at a time; each test waits for its own.
let runs: Promise<NotebookRun[]> | undefined;
const run = async (file: string) => {
  runs ??= executeNotebooks(files, { check: true, jobs: 2 });
  return (await runs)[files.indexOf(file)];
};

if (files.length === 0) {
  test.skip("every notebooks/*.ipynb runs (skipped: there are no lessons in notebooks/ yet)", () => {});
}

test.each(files)(
  "%s runs top to bottom with every cell and every check passing",
  async (file) => {
    const result = await run(file);
    // The failure's message names the cell, its source and the error: show it as the test's error.
    if (result.failure) throw result.failure;
    expect(result.outcome).toBe("checked");
  },
  60_000 + files.length * 120_000,
);
