import { readFile } from "node:fs/promises";
import path from "node:path";

import { describe, expect, test } from "vitest";

import { joinSource, NotebookError, parseNotebook, readNotebook } from "../../scripts/notebook";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/handouts");

function notebookWith(cells: unknown[], extra: Record<string, unknown> = {}) {
  return JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5, ...extra });
}

function errorOf(run: () => unknown): NotebookError {
  try {
    run();
  } catch (error) {
    if (error instanceof NotebookError) return error;
    throw error;
  }
  throw new Error("expected a NotebookError, nothing was thrown");
}

describe("parseNotebook", () => {
  test("accepts a lesson fixture and keeps its cells in order", async () => {
    const { notebook } = await readNotebook(path.join(fixtures, "course/01_basics.ipynb"));
    expect(notebook.nbformat).toBe(4);
    expect(notebook.cells[0].id).toBe("f01-title");
    expect(joinSource(notebook.cells[0].source)).toMatch(/^# 01\. Basics/);
  });

  test("joins a source stored as a list of lines", () => {
    expect(joinSource(["a\n", "b"])).toBe("a\nb");
    expect(joinSource("whole")).toBe("whole");
  });

  // Each malformed fixture, the code it fails with, and words the message must contain.
  const malformed: [file: string, code: string, says: RegExp][] = [
    ["empty.ipynb", "ERR_NOTEBOOK_JSON", /not valid JSON \(the file is empty\)/],
    ["truncated.ipynb", "ERR_NOTEBOOK_JSON", /not valid JSON \(.* at line \d+, column \d+\)/],
    [
      "not-utf8.ipynb",
      "ERR_NOTEBOOK_ENCODING",
      /not valid UTF-8 text \(first bad byte at offset \d+\)/,
    ],
    ["not-a-notebook.ipynb", "ERR_NOTEBOOK_FORMAT", /not a notebook: the JSON is a list/],
    ["nbformat3.ipynb", "ERR_NOTEBOOK_FORMAT", /not an nbformat 4 notebook \(nbformat 3\)/],
    [
      "bad-cell-type.ipynb",
      "ERR_NOTEBOOK_FIELD",
      /cell 2 \(id "m-bad"\): cell_type must be "markdown", "code" or "raw", got "python"/,
    ],
    [
      "bad-source.ipynb",
      "ERR_NOTEBOOK_FIELD",
      /cell 2 \(id "m-bad"\): source must be a string or a list of strings, got 42/,
    ],
    [
      "bad-stream-text.ipynb",
      "ERR_NOTEBOOK_FIELD",
      /cell 2 \(id "m-bad"\): outputs\[0\]\.text must be a string or a list of strings, got an object/,
    ],
    [
      "bad-output-type.ipynb",
      "ERR_NOTEBOOK_FIELD",
      /cell 2 \(id "m-bad"\): outputs\[0\]\.output_type must be .* got "display"/,
    ],
    [
      "bad-mime-data.ipynb",
      "ERR_NOTEBOOK_FIELD",
      /cell 2 \(id "m-bad"\): outputs\[0\]\.data\["text\/html"\] must be a string/,
    ],
    ["missing-id.ipynb", "ERR_NOTEBOOK_FIELD", /cell 2: has no id/],
  ];

  test.each(malformed)(
    "refuses malformed/%s with %s, naming the file",
    async (file, code, says) => {
      const where = path.join(fixtures, "malformed", file);
      const bytes = await readFile(where);
      const error = errorOf(() => parseNotebook(bytes, where));
      expect(error.code).toBe(code);
      expect(error.file).toBe(where);
      expect(error.message.startsWith(`${where}: `)).toBe(true);
      expect(error.message).toMatch(says);
    },
  );

  test("names the cell by number and id when a cell is at fault", () => {
    const text = notebookWith([
      { cell_type: "markdown", id: "ok", metadata: {}, source: "# fine" },
      {
        cell_type: "code",
        id: "l03-bind",
        metadata: {},
        source: "1",
        outputs: [],
        execution_count: "one",
      },
    ]);
    const error = errorOf(() => parseNotebook(text, "lesson.ipynb"));
    expect(error.cell).toEqual({ index: 2, id: "l03-bind" });
    expect(error.message).toBe(
      'lesson.ipynb: cell 2 (id "l03-bind"): execution_count must be null or a count (0, 1, 2, ...), got "one"',
    );
  });

  test("refuses a cell that is not an object", () => {
    const error = errorOf(() => parseNotebook(notebookWith(["just text"]), "x.ipynb"));
    expect(error.message).toBe("x.ipynb: cell 1: must be an object, got a string");
  });

  test("refuses cells that share an id", () => {
    const cell = { cell_type: "markdown", id: "same", metadata: {}, source: "" };
    const error = errorOf(() => parseNotebook(notebookWith([cell, cell]), "x.ipynb"));
    expect(error.message).toMatch(/cell 2 \(id "same"\): id "same" is used by an earlier cell too/);
  });

  test("refuses tags that are not a list of strings", () => {
    const cell = { cell_type: "markdown", id: "t", metadata: { tags: "solution" }, source: "" };
    const error = errorOf(() => parseNotebook(notebookWith([cell]), "x.ipynb"));
    expect(error.message).toMatch(/metadata\.tags must be a list of strings/);
  });

  test("refuses an error output whose traceback holds something other than strings", () => {
    const cell = {
      cell_type: "code",
      id: "e",
      metadata: {},
      source: "",
      execution_count: null,
      outputs: [{ output_type: "error", ename: "Error", evalue: "x", traceback: [1] }],
    };
    const error = errorOf(() => parseNotebook(notebookWith([cell]), "x.ipynb"));
    expect(error.message).toMatch(/outputs\[0\]\.traceback must be a list of strings/);
  });

  test("accepts any JSON value under a JSON mime type, text elsewhere", () => {
    const cell = {
      cell_type: "code",
      id: "j",
      metadata: {},
      source: "",
      execution_count: 3,
      outputs: [
        {
          output_type: "execute_result",
          execution_count: 3,
          metadata: {},
          data: {
            "application/json": { a: [1, { b: null }] },
            "application/vnd.x+json": 5,
            "text/plain": ["a", "b"],
          },
        },
      ],
    };
    expect(parseNotebook(notebookWith([cell]), "x.ipynb").cells).toHaveLength(1);
  });

  test("lets cells without an id through in notebooks older than nbformat 4.5", () => {
    const cell = { cell_type: "markdown", metadata: {}, source: "" };
    expect(
      parseNotebook(notebookWith([cell], { nbformat_minor: 4 }), "x.ipynb").cells,
    ).toHaveLength(1);
  });

  test("readNotebook names a missing file", async () => {
    await expect(readNotebook("no/such/lesson.ipynb")).rejects.toThrow(
      "no/such/lesson.ipynb: no such file",
    );
  });

  test("survives JSON nested a hundred thousand levels deep with a clear error", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const error = errorOf(() => parseNotebook(deep, "deep.ipynb"));
    expect(error.code).toBe("ERR_NOTEBOOK_FORMAT");
  });
});
