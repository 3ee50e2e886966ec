import { describe, expect, test } from "vitest";
import type { Lesson } from "../../scripts/grade/lesson";
import { probeProblem, withProbes } from "../../scripts/grade/probe";
import type { GradedRun } from "../../scripts/grade/run";

const checkCell = (id: string, descriptions: string[], hidden = false) => ({
  id,
  hidden,
  source: "",
  cell: { cell_type: "code" as const, metadata: {}, source: "" },
  checks: descriptions.map((description) => ({ description, name: description, points: 1 })),
});
const lesson = {
  name: "01_add",
  file: "01_add.ipynb",
  title: "Add",
  notebook: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] },
  exercises: [
    {
      id: "ex1",
      title: "Exercise 1",
      checkCells: [checkCell("ex1-check", ["add adds"]), checkCell("ex1-hidden", ["add -1"], true)],
    },
    { id: "ex2", title: "Exercise 2", checkCells: [checkCell("ex2-check", ["shout"])] },
  ],
} as unknown as Lesson;
const cells = ["setup", "ex1", "ex1-check", "ex1-hidden", "ex2", "ex2-check"].map((id) => ({
  id,
  source: `// ${id}`,
}));
const printed = (id: string, text: string): GradedRun => ({
  cells: new Map([
    [
      `grade-probe:${id}`,
      { status: "ok", outputs: [{ output_type: "stream", name: "stdout", text }] },
    ],
  ]),
  totalMs: 0,
});

describe("the console probe", () => {
  test("runs after the last check cell of each exercise, never between a solution and its checks", () => {
    const run = withProbes(cells, lesson, "n0nce");
    expect(run.map((cell) => cell.id)).toEqual([
      "setup",
      "ex1",
      "ex1-check",
      "ex1-hidden",
      "grade-probe:ex1",
      "ex2",
      "ex2-check",
      "grade-probe:ex2",
    ]);
    expect(run[4].source).toBe(
      'console.log("FAIL add adds: grader probe n0nce");\nconsole.log("FAIL add -1: grader probe n0nce");',
    );
  });

  test("believes the checks when the probe's lines come out as printed", () => {
    const run = printed(
      "ex1",
      "FAIL add adds: grader probe n0nce\nFAIL add -1: grader probe n0nce\n",
    );
    expect(probeProblem(run, lesson, "ex1", "n0nce")).toBeUndefined();
  });

  test("is not disturbed by what code still running in the background prints meanwhile", () => {
    const run = printed(
      "ex1",
      "FAIL add adds: grader probe n0nce\nserver: a client connected\nFAIL add -1: grader probe n0nce\n",
    );
    expect(probeProblem(run, lesson, "ex1", "n0nce")).toBeUndefined();
  });

  test("does not believe them when console.log turned a FAIL line into PASS", () => {
    const run = printed("ex1", "PASS add adds\nPASS add -1\n");
    expect(probeProblem(run, lesson, "ex1", "n0nce")).toMatch(/cannot be believed/);
  });

  test("says nothing when the probe never ran (the run stopped before it)", () => {
    expect(probeProblem({ cells: new Map(), totalMs: 0 }, lesson, "ex1", "n0nce")).toBeUndefined();
  });
});
