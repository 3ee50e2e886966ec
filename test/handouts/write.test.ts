import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { afterEach, beforeEach, describe, expect, test } from "vitest";

import { markerFile, OutputError, writeDirectory } from "../../scripts/handouts/write";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "handouts-write-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("writeDirectory", () => {
  test("creates the folder with exactly the files given, readable by others, and a marker", async () => {
    const out = path.join(root, "dist", "handouts");
    await writeDirectory(
      out,
      new Map<string, string | Uint8Array>([
        ["index.html", "<p>1</p>"],
        ["sub/a.txt", new Uint8Array([65])],
      ]),
      "npm run handouts",
    );
    expect((await readdir(out)).sort()).toEqual([markerFile, "index.html", "sub"]);
    expect(await readFile(path.join(out, "sub/a.txt"), "utf8")).toBe("A");
    expect(await readFile(path.join(out, markerFile), "utf8")).toContain("npm run handouts");
    expect((await stat(out)).mode & 0o755).toBe(0o755 & ~process.umask());
  });

  test("replaces its own earlier output as a whole, leaving nothing stale and no temporary folder", async () => {
    const out = path.join(root, "out");
    await writeDirectory(out, new Map([["old.html", "old"]]), "x");
    await writeDirectory(out, new Map([["new.html", "new"]]), "x");
    expect((await readdir(out)).sort()).toEqual([markerFile, "new.html"]);
    expect(await readdir(root)).toEqual(["out"]);
  });

  test("leaves the previous output untouched when writing fails", async () => {
    const out = path.join(root, "out");
    await writeDirectory(out, new Map([["index.html", "previous"]]), "x");
    // A file name that cannot be created (a folder where a file must go) fails half-way through.
    const files = new Map<string, string>([
      ["a.html", "new"],
      ["a.html/b.html", "fails"],
    ]);
    await expect(writeDirectory(out, files, "x")).rejects.toBeInstanceOf(OutputError);
    expect(await readFile(path.join(out, "index.html"), "utf8")).toBe("previous");
    expect((await readdir(out)).sort()).toEqual([markerFile, "index.html"]);
    expect(await readdir(root)).toEqual(["out"]);
  });

  test("refuses to replace a folder it did not write, and leaves it alone", async () => {
    const mine = path.join(root, "Documents");
    await mkdir(mine);
    await writeFile(path.join(mine, "thesis.txt"), "precious");
    const error = await writeDirectory(mine, new Map([["index.html", "x"]]), "x").catch((e) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect(error.code).toBe("ERR_OUTPUT_NOT_OURS");
    expect(error.message).toMatch(/already holds files that this script did not write/);
    expect(await readdir(mine)).toEqual(["thesis.txt"]);
  });

  test("writes into an existing empty folder", async () => {
    const out = path.join(root, "empty");
    await mkdir(out);
    await writeDirectory(out, new Map([["index.html", "x"]]), "x");
    expect((await readdir(out)).sort()).toEqual([markerFile, "index.html"]);
  });

  test("refuses a file name that would land outside the folder", async () => {
    const out = path.join(root, "out");
    await expect(writeDirectory(out, new Map([["../escape.html", "x"]]), "x")).rejects.toThrow(
      /outside/,
    );
    expect(await readdir(root)).toEqual([]);
  });

  test.each([0, 2, 5, 10, 20, 40, 80, 160, 320])(
    "leaves the whole old or the whole new output and no temporary folder when the process exits %i turns in (Ctrl-C)",
    async (turns) => {
      const out = path.join(root, "out");
      await writeDirectory(out, new Map([["a.csv", "old\n"]]), "test");
      const module = path.resolve(import.meta.dirname, "../../scripts/handouts/write.ts");
      // Exits `turns` event-loop turns into the write, as the grader's SIGINT handler does.
      const program = `
        const { writeDirectory } = await import(${JSON.stringify(module)});
        const files = new Map([["a.csv", "new\\n"], ["b.csv", "new\\n"]]);
        for (let i = 0; i < 50; i++) files.set(\`page\${i}.html\`, "new\\n");
        void writeDirectory(${JSON.stringify(out)}, files, "test");
        let left = ${turns};
        const turn = () => (left-- === 0 ? process.exit(130) : setImmediate(turn));
        turn();`;
      // tsx resolves from the project; the program's exit status is 130, as after Ctrl-C.
      const ended = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", program],
        { cwd: path.resolve(import.meta.dirname, "../..") },
      ).then(
        () => 0,
        (error: { code?: number; stderr?: string }) => error.code ?? error.stderr,
      );
      expect(ended).toBe(130);
      expect((await readdir(root)).filter((name) => name.startsWith("."))).toEqual([]);
      const files = (await readdir(out)).sort();
      if (files.includes("b.csv")) {
        expect(files).toHaveLength(53);
        expect(await readFile(path.join(out, "a.csv"), "utf8")).toBe("new\n");
      } else {
        expect(files).toEqual([markerFile, "a.csv"]);
        expect(await readFile(path.join(out, "a.csv"), "utf8")).toBe("old\n");
      }
    },
  );
});
