import path from "node:path";

import { describe, expect, test } from "vitest";

import {
  isCheckCell,
  isHiddenCheckCell,
  isSolutionCell,
  stripSolution,
  studentEdition,
  studentPlaceholder,
} from "../../scripts/handouts/edition";
import { type CodeCell, joinSource, NotebookError, readNotebook } from "../../scripts/notebook";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/handouts");
const where = { file: "lesson.ipynb", cell: { index: 4, id: "ex1" } };

describe("stripSolution", () => {
  test("replaces the solution, markers included, with the placeholder at the markers' indentation", () => {
    const source = [
      "function shout(text: string): string {",
      "  // BEGIN SOLUTION",
      "  return text.toUpperCase();",
      "  // END SOLUTION",
      "}",
    ].join("\n");
    expect(stripSolution(source, where)).toBe(
      [
        "function shout(text: string): string {",
        "  // YOUR CODE HERE",
        '  throw new Error("Exercise not done yet: write your code above");',
        "}",
      ].join("\n"),
    );
  });

  test("strips every solution block of a cell and keeps what is between them", () => {
    const source =
      "// BEGIN SOLUTION\na\n// END SOLUTION\nkept\n// BEGIN SOLUTION\nb\n// END SOLUTION";
    expect(stripSolution(source, where)).toBe(
      [...studentPlaceholder, "kept", ...studentPlaceholder].join("\n"),
    );
  });

  test("leaves a cell without markers unchanged", () => {
    expect(stripSolution("const a = 1;\n", where)).toBe("const a = 1;\n");
  });

  const broken: [what: string, source: string, says: RegExp][] = [
    [
      "a BEGIN without END",
      "// BEGIN SOLUTION\nx",
      /line 1: "\/\/ BEGIN SOLUTION" is never closed/,
    ],
    [
      "an END without BEGIN",
      "x\n// END SOLUTION",
      /line 2: "\/\/ END SOLUTION" without a "\/\/ BEGIN SOLUTION"/,
    ],
    [
      "a BEGIN inside a solution",
      "// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION",
      /line 2: "\/\/ BEGIN SOLUTION" inside the solution that begins on line 1/,
    ],
  ];

  test.each(broken)("refuses %s, naming file, cell and line", (_what, source, says) => {
    try {
      stripSolution(source, where);
      expect.unreachable("stripSolution should have thrown");
    } catch (error) {
      expect(error).toBeInstanceOf(NotebookError);
      expect((error as NotebookError).code).toBe("ERR_SOLUTION_MARKERS");
      expect((error as Error).message).toMatch(/^lesson\.ipynb: cell 4 \(id "ex1"\): /);
      expect((error as Error).message).toMatch(says);
    }
  });
});

describe("studentEdition", () => {
  test("strips solutions, clears solution and check outputs, and leaves every other cell alone", async () => {
    const file = path.join(fixtures, "course/01_basics.ipynb");
    const { notebook } = await readNotebook(file);
    const student = studentEdition(notebook, file);
    expect(student.cells).toHaveLength(notebook.cells.length);
    const byId = (id: string) => student.cells.find((cell) => cell.id === id) as CodeCell;
    const solution = byId("f01-solution");
    expect(joinSource(solution.source)).not.toContain("port * 2");
    expect(joinSource(solution.source)).toContain("  // YOUR CODE HERE\n");
    expect(solution.outputs).toEqual([]);
    expect(byId("f01-check").outputs).toEqual([]);
    expect(byId("f01-server")).toBe(notebook.cells.find((cell) => cell.id === "f01-server"));
  });

  test("keeps a list-of-lines source as a list of lines, as Jupyter writes it", async () => {
    const file = path.join(fixtures, "course/03_exercises.ipynb");
    const { notebook } = await readNotebook(file);
    const solution = studentEdition(notebook, file).cells.find((cell) => cell.id === "f03-sol1");
    expect(solution?.source).toEqual([
      "function shout(text: string): string {\n",
      "  // YOUR CODE HERE\n",
      '  throw new Error("Exercise not done yet: write your code above");\n',
      "}",
    ]);
  });

  test("does not change the notebook it is given", async () => {
    const file = path.join(fixtures, "course/03_exercises.ipynb");
    const { notebook } = await readNotebook(file);
    const before = JSON.stringify(notebook);
    studentEdition(notebook, file);
    expect(JSON.stringify(notebook)).toBe(before);
  });

  test("refuses a cell tagged solution without markers rather than give the solution away", async () => {
    const file = path.join(fixtures, "malformed/solution-without-markers.ipynb");
    const { notebook } = await readNotebook(file);
    expect(() => studentEdition(notebook, file)).toThrow(
      /cell 2 \(id "m-ex"\): is tagged "solution" but has no "\/\/ BEGIN SOLUTION"/,
    );
  });

  test("leaves hidden checks out, and only them", () => {
    const code = (id: string, tags: string[], source: string): CodeCell => ({
      cell_type: "code",
      id,
      metadata: { tags },
      source,
      execution_count: null,
      outputs: [],
    });
    const notebook = {
      nbformat: 4 as const,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        code("ex1", ["solution"], "// BEGIN SOLUTION\nconst x = 1;\n// END SOLUTION"),
        code("ex1-check", ["check"], 'await check("x is 1", () => x === 1);'),
        code("ex1-hidden", ["hidden-check"], 'await check("x is not 2", () => x !== 2);'),
        code("after", [], "console.log(x);"),
      ],
    };
    const student = studentEdition(notebook, "lesson.ipynb");
    expect(student.cells.map((cell) => cell.id)).toEqual(["ex1", "ex1-check", "after"]);
    expect(notebook.cells.filter(isHiddenCheckCell).map((cell) => cell.id)).toEqual(["ex1-hidden"]);
  });

  test("tells solution and check cells apart", async () => {
    const { notebook } = await readNotebook(path.join(fixtures, "course/01_basics.ipynb"));
    const solutions = notebook.cells.filter(isSolutionCell).map((cell) => cell.id);
    const checks = notebook.cells.filter(isCheckCell).map((cell) => cell.id);
    expect(solutions).toEqual(["f01-solution"]);
    expect(checks).toEqual(["f01-check"]);
  });
});
