/**
 * What students are told is true: the student README names the import tslab can load and
 * commands that exist, its advice is the main README's, and the import it shows runs in the real
 * kernel from a student folder.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import {
  adviceMarkdown,
  importLine,
  studentCommands,
  studentReadme,
} from "../../scripts/handouts/student-guide";
import type { CodeCell } from "../../scripts/notebook";
import { executeNotebook } from "../../scripts/runner";

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const fixtures = path.join(root, "test/fixtures/handouts/course");

let work: string;
beforeAll(async () => {
  await mkdir(path.join(root, "test-results"), { recursive: true });
  // Inside the project, like dist/student: tslab finds its packages by walking up.
  work = await mkdtemp(path.join(root, "test-results", "student-guide-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("the student README", () => {
  const readme = studentReadme([{ file: "01_basics.ipynb", title: "01. Basics" }]);

  test("shows the import by its file, ./src/index, never the folder import tslab cannot load", () => {
    expect(readme).toContain(importLine);
    expect(importLine).toContain('from "./src/index"');
    const imports = [...readme.matchAll(/from\s+["']([^"']+)["']/g)].map((match) => match[1]);
    expect(imports).toEqual(["./src/index"]);
    // The folder import is named only to warn against it.
    expect(readme.match(/`\.\/src`/g)).toEqual(["`./src`"]);
    expect(readme).toContain("(not `./src`, which tslab cannot load)");
  });

  test("gives the same advice as the main README's What to tell students", async () => {
    const main = await readFile(path.join(root, "README.md"), "utf8");
    expect(main).toContain(adviceMarkdown());
    expect(readme).toContain(adviceMarkdown());
    for (const words of [
      "in order",
      "Run All",
      "Restart",
      "Close and Halt",
      "right after a failing one",
    ]) {
      expect(adviceMarkdown()).toContain(words);
    }
  });

  test("names the commands and the import the main README names", async () => {
    const main = await readFile(path.join(root, "README.md"), "utf8");
    for (const { command } of studentCommands) expect(main).toContain(command);
    expect(main).toContain(importLine.slice(importLine.indexOf("from ")).replace(/;$/, ""));
  });

  test("lists the lessons it is given, linked", () => {
    expect(readme).toContain("- [01. Basics](01_basics.ipynb)");
  });

  test.each(
    studentCommands.filter(
      ({ command }) => command.startsWith("npm run") || command.startsWith("npm start"),
    ),
  )(
    "names a command that exists and takes the options it shows: $command",
    async ({ command }) => {
      const manifest = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));
      const [, verb, ...rest] = command.split(" ");
      const script = verb === "run" ? rest[0] : "start";
      expect(Object.keys(manifest.scripts)).toContain(script);
      const args = verb === "run" ? rest.slice(1) : rest;
      // The options as written, then --help: the program parses them and exits 0 without starting anything.
      const { stdout } = await run(
        "npm",
        ["run", "--silent", script, ...(args[0] === "--" ? args : ["--", ...args]), "--help"],
        {
          cwd: root,
          timeout: 60_000,
        },
      );
      expect(stdout).toMatch(/^Usage: /m);
    },
    90_000,
  );

  test("is what npm run student-notebooks writes, and its import runs in the real kernel from that folder", async () => {
    const out = path.join(work, "student");
    await run(
      process.execPath,
      [
        "scripts/launch.mjs",
        "scripts/bin/student-notebooks.ts",
        "--out",
        out,
        path.join(fixtures, "01_basics.ipynb"),
      ],
      {
        cwd: root,
        timeout: 60_000,
      },
    );
    const written = await readFile(path.join(out, "README.md"), "utf8");
    expect(written).toBe(
      studentReadme([{ file: "01_basics.ipynb", title: "01. Basics of a handout" }]),
    );
    const probe = path.join(out, "probe.ipynb");
    const cell = (source: string) => ({
      cell_type: "code",
      id: `probe-${source.length}`,
      metadata: {},
      source,
      outputs: [],
      execution_count: null,
    });
    await writeFile(
      probe,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {
          kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
        },
        cells: [
          cell(importLine),
          cell(
            "const s = socket(AF_INET, SOCK_STREAM);\nconsole.log(typeof s.connect);\nawait s.close();",
          ),
        ],
      }),
    );
    const result = await executeNotebook(probe, { check: true, startTimeout: 120_000 });
    expect(result.failure?.message).toBeUndefined();
    const outputs = (result.notebook?.cells[1] as CodeCell | undefined)?.outputs ?? [];
    expect(JSON.stringify(outputs)).toContain("function");
  }, 180_000);
});
