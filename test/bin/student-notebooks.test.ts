import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import {
  type CodeCell,
  joinSource,
  parseNotebook,
  serializeNotebook,
} from "../../scripts/notebook";
import { CellFailure, executeNotebook } from "../../scripts/runner";
import { runCommand } from "../support/processes";

const root = path.resolve(import.meta.dirname, "..", "..");
const fixtures = path.join(root, "test/fixtures/handouts");

const studentNotebooks = (...args: string[]) => runCommand(root, "student-notebooks", ...args);

// Inside the project, like dist/student: tslab finds tslab and @types/node by walking up from the notebook.
let work: string;
beforeAll(async () => {
  await mkdir(path.join(root, "test-results"), { recursive: true });
  work = await mkdtemp(path.join(root, "test-results", "student-notebooks-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("npm run student-notebooks", () => {
  test("writes valid student notebooks, the helper library and a README", async () => {
    const out = path.join(work, "course");
    const files = ["01_basics", "03_exercises"].map((name) =>
      path.join(fixtures, "course", `${name}.ipynb`),
    );
    const result = await studentNotebooks("--out", out, ...files);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /student-notebooks: 2 notebook\(s\), 3 exercise solution\(s\) left out/,
    );
    expect((await readdir(out)).sort()).toEqual([
      ".generated",
      "01_basics.ipynb",
      "03_exercises.ipynb",
      "README.md",
      "python",
      "src",
    ]);
    expect(await readFile(path.join(out, "src", "index.ts"), "utf8")).toBe(
      await readFile(path.join(root, "src", "index.ts"), "utf8"),
    );
    expect((await readdir(path.join(out, "python"))).sort()).toEqual([
      "echo_client.py",
      "echo_server.py",
    ]);
    for (const program of ["echo_client.py", "echo_server.py"]) {
      expect(await readFile(path.join(out, "python", program), "utf8")).toBe(
        await readFile(path.join(root, "notebooks", "python", program), "utf8"),
      );
    }
    expect(await readFile(path.join(out, "README.md"), "utf8")).toContain(
      "`python/` holds the lecture's echo programs",
    );

    const text = await readFile(path.join(out, "03_exercises.ipynb"), "utf8");
    const notebook = parseNotebook(text, "03_exercises.ipynb");
    expect(text).not.toContain("toUpperCase");
    for (const id of ["f03-sol1", "f03-sol2", "f03-check1"]) {
      const cell = notebook.cells.find((c) => c.id === id) as CodeCell;
      expect(cell.outputs, id).toEqual([]);
    }
    const solution = notebook.cells.find((c) => c.id === "f03-sol1") as CodeCell;
    expect(joinSource(solution.source)).toContain("// YOUR CODE HERE");
  });

  test("leaves the hidden checks out of the notebooks students get", async () => {
    const out = path.join(work, "hidden");
    const lesson = path.join(root, "test/fixtures/grade/course/01_add.ipynb");
    const result = await studentNotebooks("--out", out, lesson);
    expect(result.code).toBe(0);
    const written = await readFile(path.join(out, "01_add.ipynb"), "utf8");
    expect(written).not.toContain("f01-ex1-hidden");
    expect(written).not.toContain("add works for negative numbers");
    expect(written).toContain("f01-ex1-check");
  });

  test("fails with the file and cell named, and leaves the previous output untouched", async () => {
    const out = path.join(work, "failing");
    const good = path.join(fixtures, "course", "03_exercises.ipynb");
    expect((await studentNotebooks("--out", out, good)).code).toBe(0);
    const before = await readFile(path.join(out, "03_exercises.ipynb"), "utf8");

    const bad = path.join(fixtures, "malformed", "unclosed-solution.ipynb");
    const result = await studentNotebooks("--out", out, good, bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `student-notebooks: ${bad}: cell 2 (id "m-ex"): line 1: "// BEGIN SOLUTION" is never closed: add "// END SOLUTION" after the solution\n`,
    );
    expect(await readFile(path.join(out, "03_exercises.ipynb"), "utf8")).toBe(before);
    expect(await readdir(out)).not.toContain("unclosed-solution.ipynb");
  });

  test("a student notebook runs in the real tslab kernel until the exercise is used, which says it is not done", async () => {
    const out = path.join(work, "runnable");
    expect(
      (await studentNotebooks("--out", out, path.join(fixtures, "runnable", "01_runnable.ipynb")))
        .code,
    ).toBe(0);
    const result = await executeNotebook(path.join(out, "01_runnable.ipynb"), {
      check: true,
      timeout: 60_000,
    });
    // Cell 2 imports the helper through the copied src/; cell 4 (the stub) compiles and runs;
    // cell 5, the check, calls the stub and is the first to fail, with the placeholder's message.
    expect(result.failure).toBeInstanceOf(CellFailure);
    const failure = result.failure as CellFailure;
    expect(failure.cellId).toBe("r-check");
    expect(failure.cellNumber).toBe(5);
    expect(failure.detail).toContain("Exercise not done yet: write your code above");
    expect(result.cellsRun).toBe(3);
  }, 120_000);

  test.skipIf(!existsSync("/usr/bin/python3"))(
    "lesson 12's step with the lecture's Python server runs in the student edition, not skipped",
    async () => {
      const out = path.join(work, "python");
      const lesson = path.join(root, "notebooks", "12_when_connections_go_wrong.ipynb");
      expect((await studentNotebooks("--out", out, lesson)).code).toBe(0);
      // The setup and step 5 alone (the whole lesson would stop at its first exercise's check).
      const file = path.join(out, "12_when_connections_go_wrong.ipynb");
      const notebook = parseNotebook(await readFile(file, "utf8"), file);
      const cells = notebook.cells.filter((c) => c.id === "l12-setup" || c.id === "l12-python-rst");
      expect(cells).toHaveLength(2);
      await writeFile(file, serializeNotebook({ ...notebook, cells }, file));
      const run = await executeNotebook(file, { check: true, timeout: 60_000 });
      expect(run.failure).toBeUndefined();
      const printed = (run.notebook?.cells ?? []).map((cell) =>
        cell.cell_type === "code"
          ? (cell.outputs ?? [])
              .map((output) => ("text" in output ? joinSource(output.text) : ""))
              .join("")
          : "",
      );
      expect(printed[0]).toBe("Python: /usr/bin/python3\n");
      expect(printed[1]).toContain(
        "Python client: 1024 bytes back, then ConnectionResetError: [Errno 104] Connection reset by peer",
      );
      expect(printed[1]).not.toContain("skipped");
    },
    120_000,
  );
});
