/**
 * Lesson 12 writes the lecture's echo_server.py out in its setup cell (so that the student edition,
 * which has no test/fixtures/, runs it too). The copy must stay the program the course keeps.
 */
import { readFile } from "node:fs/promises";
import { expect, test } from "vitest";

const root = new URL("../", import.meta.url);

test("lesson 12 runs the lecture's echo_server.py exactly as test/fixtures/python keeps it", async () => {
  const notebook = JSON.parse(
    await readFile(new URL("notebooks/12_when_connections_go_wrong.ipynb", root), "utf8"),
  ) as {
    cells: Array<{ id?: string; source: string[] }>;
  };
  const setup = notebook.cells.find((cell) => cell.id === "l12-setup")?.source.join("") ?? "";
  const copy = /const ECHO_SERVER = `\n([\s\S]*?)`;/.exec(setup)?.[1];
  const kept = await readFile(new URL("test/fixtures/python/echo_server.py", root), "utf8");
  // The fixture's opening comment says how tests run it; the program starts at its first import.
  expect(copy).toBe(kept.slice(kept.indexOf("import socket")));
});
