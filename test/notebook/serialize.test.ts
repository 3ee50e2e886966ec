import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type Notebook,
  NotebookError,
  readNotebook,
  serializeNotebook,
  withCellIds,
  writeNotebook,
} from "../../scripts/notebook";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "notebook-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lenient = { check: "lenient" } as const;

const tiny: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
  cells: [
    {
      cell_type: "code",
      id: "c1",
      metadata: {},
      source: 'console.log("a");\nconsole.log("b");',
      execution_count: null,
      outputs: [{ output_type: "stream", name: "stdout", text: "a\nb\n" }],
    },
  ],
};

test("serializeNotebook writes what Jupyter writes: sorted keys, one-space indent, split lines, final newline", () => {
  expect(serializeNotebook(tiny)).toBe(`{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "c1",
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "a\\n",
      "b\\n"
     ]
    }
   ],
   "source": [
    "console.log(\\"a\\");\\n",
    "console.log(\\"b\\");"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "TypeScript",
   "language": "typescript",
   "name": "tslab"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`);
});

test("serializeNotebook splits lines where Python's splitlines does and withCellIds gives cells without an id one", () => {
  const nb: Notebook = {
    ...tiny,
    nbformat_minor: 4,
    cells: [{ cell_type: "markdown", metadata: {}, source: "one\r\ntwo\rthree\n" }],
  };
  const written = JSON.parse(serializeNotebook(withCellIds(nb)));
  expect(written.cells[0].source).toEqual(["one\r\n", "two\r", "three\n"]);
  expect(written.cells[0].id).toBe("cell-0");
  expect(written.nbformat_minor).toBe(5);
});

test("readNotebook, lenient, rejects a file that is not a notebook, saying why", async () => {
  const text = path.join(dir, "notes.ipynb");
  await writeFile(text, "just some notes");
  await expect(readNotebook(text, lenient)).rejects.toThrow(NotebookError);
  await expect(readNotebook(text, lenient)).rejects.toThrow(
    `${text} is not a Jupyter notebook: not valid JSON`,
  );

  const json = path.join(dir, "data.ipynb");
  await writeFile(json, '{"nbformat": 4}');
  await expect(readNotebook(json, lenient)).rejects.toThrow('no "cells" list');

  await expect(readNotebook(path.join(dir, "lesson.md"), lenient)).rejects.toThrow(
    "does not end in .ipynb",
  );
  await expect(readNotebook(path.join(dir, "missing.ipynb"), lenient)).rejects.toThrow(
    "no such file",
  );
});

test("writeNotebook replaces the file whole and leaves no temporary file behind", async () => {
  const file = path.join(dir, "lesson.ipynb");
  await writeFile(file, "old");
  await writeNotebook(file, tiny);
  expect(await readFile(file, "utf8")).toBe(serializeNotebook(tiny));
  expect((await readdir(dir)).filter((name) => name.includes("lesson"))).toEqual(["lesson.ipynb"]);
  expect((await readNotebook(file)).notebook).toMatchObject({ nbformat: 4, cells: [{ id: "c1" }] });
});

describe("serializeNotebook", () => {
  test("writes JSON the way Jupyter does: one-space indent, final newline", async () => {
    const { notebook } = await readNotebook(
      path.resolve(import.meta.dirname, "../fixtures/handouts/course/03_exercises.ipynb"),
    );
    const text = serializeNotebook(notebook, "x.ipynb");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n "cells": [');
  });

  test("reports metadata too deeply nested to write instead of crashing", () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { deep };
    const notebook = { nbformat: 4 as const, nbformat_minor: 5, metadata: { deep }, cells: [] };
    expect(() => serializeNotebook(notebook, "x.ipynb")).toThrow(
      /x\.ipynb: cannot be written back out/,
    );
  });
});
