import path from "node:path";
import { describe, expect, test } from "vitest";
import { loadLesson } from "../../scripts/grade/lesson";
import { gradingNotebook, lessonByName } from "../../scripts/grade/submissions";
import { studentEdition } from "../../scripts/handouts/edition";
import { joinSource, readNotebook } from "../../scripts/notebook";
import { course } from "../support/grade-class";

const file = path.join(course, "01_add.ipynb");

async function studentCopy() {
  const { notebook } = await readNotebook(file);
  return studentEdition(notebook, file);
}

describe("gradingNotebook", () => {
  test("puts the instructor's check cells back in place of edited ones and adds the hidden check after them", async () => {
    const lesson = await loadLesson(file);
    const student = await studentCopy();
    const tampered = {
      ...student,
      cells: student.cells.map((cell) =>
        cell.id === "f01-ex1-check"
          ? { ...cell, source: 'console.log("PASS add adds zero")' }
          : cell,
      ),
    };
    const { cells, invalid } = gradingNotebook(lesson, tampered);
    expect(invalid.size).toBe(0);
    const ids = cells.map((cell) => cell.id);
    expect(ids.slice(ids.indexOf("f01-ex1"), ids.indexOf("f01-ex1") + 3)).toEqual([
      "f01-ex1",
      "f01-ex1-check",
      "f01-ex1-hidden",
    ]);
    const check = cells.find((cell) => cell.id === "f01-ex1-check");
    expect(joinSource(check?.source ?? "")).toContain('await check("add adds two small numbers"');
  });

  test("puts a deleted check cell back after its exercise", async () => {
    const lesson = await loadLesson(file);
    const student = await studentCopy();
    const deleted = {
      ...student,
      cells: student.cells.filter((cell) => cell.id !== "f01-ex2-check"),
    };
    const ids = gradingNotebook(lesson, deleted).cells.map((cell) => cell.id);
    expect(ids.at(-1)).toBe("f01-ex2-check");
    expect(ids.at(-2)).toBe("f01-ex2");
  });

  test("cannot grade an exercise whose cell is gone or no longer code, and says why", async () => {
    const lesson = await loadLesson(file);
    const student = await studentCopy();
    const changed = {
      ...student,
      cells: student.cells.map((cell) =>
        cell.id === "f01-ex1"
          ? { ...cell, id: "cell-9" }
          : cell.id === "f01-ex2"
            ? { cell_type: "markdown" as const, id: "f01-ex2", metadata: {}, source: "gone" }
            : cell,
      ),
    };
    const { cells, invalid } = gradingNotebook(lesson, changed);
    expect(invalid.get("f01-ex1")).toMatch(
      /no cell with id "f01-ex1" .* \(a solution cell with id "cell-9" is there instead\)/,
    );
    expect(invalid.get("f01-ex2")).toMatch(/is a markdown cell now, not a code cell/);
    expect(cells.some((cell) => cell.id?.includes("check") || cell.id?.includes("hidden"))).toBe(
      false,
    );
  });
});

test("a notebook is a lesson by its file name, also with an LMS's prefix before it", async () => {
  const lessons = [await loadLesson(file)];
  expect(lessonByName("01_add.ipynb", lessons)?.name).toBe("01_add");
  expect(lessonByName("ada_1234_01_add.ipynb", lessons)?.name).toBe("01_add");
  expect(lessonByName("01_add_notes.ipynb", lessons)).toBeUndefined();
});
