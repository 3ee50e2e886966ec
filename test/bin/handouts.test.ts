import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { runCommand, startProgram } from "../support/processes";

const root = path.resolve(import.meta.dirname, "..", "..");
const fixtures = path.join(root, "test/fixtures/handouts");
const course = ["01_basics", "02_outputs", "03_exercises"].map((name) =>
  path.join(fixtures, "course", `${name}.ipynb`),
);

const handouts = (...args: string[]) => runCommand(root, "handouts", ...args);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "handouts-cli-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("npm run handouts", () => {
  test("exports the given notebooks to --out: a page and the notebook each, and an index", async () => {
    const out = path.join(work, "site");
    const result = await handouts("--out", out, ...course);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^handouts: 3 page\(s\) and index\.html, instructor edition, in .*site \(\d+\.\d\d s\)\n$/,
    );
    expect((await readdir(out)).sort()).toEqual([
      ".generated",
      "01_basics.html",
      "01_basics.ipynb",
      "02_outputs.html",
      "02_outputs.ipynb",
      "03_exercises.html",
      "03_exercises.ipynb",
      "index.html",
      "search.html",
    ]);
  });

  test("a build through the cache writes the same pages as one with --no-cache", async () => {
    const fresh = path.join(work, "fresh");
    const cached = path.join(work, "cached");
    expect((await handouts("--no-cache", "--out", fresh, ...course)).code).toBe(0);
    expect((await handouts("--out", cached, ...course)).code).toBe(0);
    for (const name of await readdir(fresh)) {
      expect(await readFile(path.join(cached, name), "utf8"), name).toBe(
        await readFile(path.join(fresh, name), "utf8"),
      );
    }
  });

  test("exports a single notebook as a page that stands on its own", async () => {
    const out = path.join(work, "single");
    expect((await handouts("--out", out, "--edition", "student", course[2])).code).toBe(0);
    const page = await readFile(path.join(out, "03_exercises.html"), "utf8");
    expect(page).toContain("Student edition");
    expect(page).not.toContain("toUpperCase");
  });

  test("a malformed notebook: exit 1, one line naming file and cell, previous output untouched", async () => {
    const out = path.join(work, "kept");
    expect((await handouts("--out", out, course[0])).code).toBe(0);
    const before = await readFile(path.join(out, "01_basics.html"), "utf8");
    const modified = (await stat(path.join(out, "01_basics.html"))).mtimeMs;

    const bad = path.join(fixtures, "malformed", "bad-output-type.ipynb");
    const result = await handouts("--out", out, course[0], bad);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `handouts: ${bad}: cell 2 (id "m-bad"): outputs[0].output_type must be "stream", "display_data", "execute_result" or "error", got "display"\n`,
    );
    expect(await readFile(path.join(out, "01_basics.html"), "utf8")).toBe(before);
    expect((await stat(path.join(out, "01_basics.html"))).mtimeMs).toBe(modified);
    expect((await readdir(out)).sort()).toEqual([
      ".generated",
      "01_basics.html",
      "01_basics.ipynb",
      "index.html",
      "search.html",
    ]);
    expect((await readdir(work)).filter((name) => name.startsWith("."))).toEqual([]);
  });

  test("a file that is not JSON: exit 1 and the file named", async () => {
    const bad = path.join(fixtures, "malformed", "truncated.ipynb");
    const result = await handouts("--out", path.join(work, "never"), bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^handouts: ${bad}: not valid JSON \\(`));
    await expect(stat(path.join(work, "never"))).rejects.toThrow(/ENOENT/);
  });

  test("refuses an --out folder it did not make", async () => {
    const mine = path.join(work, "mine");
    await mkdir(mine);
    await writeFile(path.join(mine, "notes.txt"), "keep me");
    const result = await handouts("--out", mine, course[0]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/already holds files that this script did not write/);
    expect(await readdir(mine)).toEqual(["notes.txt"]);
  });

  test("an unknown edition: exit 1 with the usage", async () => {
    const result = await handouts("--edition", "teacher", course[0]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^handouts: --edition must be "instructor" or "student", not "teacher"\n\nUsage: /,
    );
  });
});

describe("npm run handouts -- --watch", () => {
  test("builds, builds again after each save, reports a broken save and keeps the last pages, stops on Ctrl-C", async () => {
    const lessons = path.join(work, "watched");
    await mkdir(lessons);
    const lesson = path.join(lessons, "01_basics.ipynb");
    await writeFile(lesson, await readFile(course[0], "utf8"));
    const out = path.join(work, "watched-site");
    const watcher = startProgram(
      process.execPath,
      ["scripts/launch.mjs", "scripts/bin/handouts.ts", "--watch", "--out", out, lesson],
      { cwd: root },
    );
    const built = (count: number) => watcher.waitFor(/^handouts: 1 page\(s\)/m, { count });
    try {
      await watcher.waitFor(/watching .* for saved notebooks/);
      await built(1);

      // A save: the page shows the new text.
      const notebook = JSON.parse(await readFile(lesson, "utf8"));
      notebook.cells.unshift({
        cell_type: "markdown",
        id: "added-while-watching",
        metadata: {},
        source: "A sentence added while watching.",
      });
      await writeFile(lesson, JSON.stringify(notebook));
      await built(2);
      expect(await readFile(path.join(out, "01_basics.html"), "utf8")).toContain(
        "A sentence added while watching.",
      );

      // A broken save: one line naming the file, the pages of the last good save stay.
      await writeFile(lesson, '{"cells": [');
      await watcher.waitFor(/not valid JSON/, { stream: "stderr" });
      expect(watcher.stderr()).toContain(`handouts: ${lesson}: not valid JSON`);
      expect(await readFile(path.join(out, "01_basics.html"), "utf8")).toContain(
        "A sentence added while watching.",
      );
      expect(watcher.child.exitCode).toBe(null);

      watcher.child.kill("SIGINT");
      expect(await watcher.exited).toBe(0);
    } finally {
      watcher.child.kill("SIGKILL");
    }
  }, 90_000);
});
