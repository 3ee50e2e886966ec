import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { notebookProblems } from "../../scripts/jupyter/nbconvert";
import { writeNotebook } from "../../scripts/notebook";

test("notebookProblems names every cell whose stored outputs show a failure nbconvert let through", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "nbconvert-check-"));
  try {
    const file = path.join(dir, "executed.ipynb");
    await writeNotebook(file, {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "markdown", id: "intro", metadata: {}, source: "# Lesson" },
        {
          cell_type: "code",
          id: "fine",
          metadata: {},
          source: 'console.log("PASS echo")',
          execution_count: null,
          outputs: [{ output_type: "stream", name: "stdout", text: "PASS echo\n" }],
        },
        {
          cell_type: "code",
          id: "timer",
          metadata: {},
          source: "setTimeout(() => {\n  throw new Error('late');\n});",
          execution_count: null,
          outputs: [
            { output_type: "stream", name: "stderr", text: "UncaughtException: Error: late\n" },
          ],
        },
        {
          cell_type: "code",
          id: "check",
          metadata: {},
          source: "check(...)",
          execution_count: null,
          outputs: [{ output_type: "stream", name: "stdout", text: "FAIL echo: no reply\n" }],
        },
      ],
    });
    expect(await notebookProblems(file)).toEqual([
      'cell 3 (id "timer") [setTimeout(() => {]: background: UncaughtException: Error: late',
      'cell 4 (id "check") [check(...)]: check: FAIL echo: no reply',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
