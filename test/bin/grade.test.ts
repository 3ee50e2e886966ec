/**
 * `npm run grade` on a fixture class (test/support/grade-class.ts): one student for each kind of
 * submission, graded by the real command in real tslab kernels, compared with the grades written
 * by hand in test/fixtures/grade/expected/. The class is graded once and every test reads that run.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { course, text, writeClass } from "../support/grade-class";
import { type Program, startProgram } from "../support/processes";

const root = path.resolve(import.meta.dirname, "..", "..");
const expected = path.join(root, "test/fixtures/grade/expected");
const grade = (args: string[], env?: NodeJS.ProcessEnv) =>
  startProgram(process.execPath, ["scripts/launch.mjs", "scripts/bin/grade.ts", ...args], {
    cwd: root,
    env,
  });

/** Every file under a folder with a hash of its content: to see that nothing changed. */
async function snapshot(folder: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(folder, file)] = createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
  }
  return files;
}

/** Processes whose working folder is inside `folder` (the grader's kernels run in its copies). */
async function processesIn(folder: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "");
    if (cwd.startsWith(folder)) found.push(Number(pid));
  }
  return found;
}

const work = path.join(root, "dist", ".grade-work");

describe("grading the fixture class", () => {
  let dir: string;
  let out: string;
  let before: Record<string, string>;
  let run: Program;
  let status: number | string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "grade-class-"));
    const submissions = await writeClass(path.join(dir, "class"));
    before = await snapshot(path.join(dir, "class"));
    out = path.join(dir, "out");
    run = grade([
      "--course",
      course,
      "--out",
      out,
      "--jobs",
      "2",
      "--timeout",
      "30",
      "--memory",
      "400",
      ...submissions,
    ]);
    status = await run.exited;
  }, 900_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("grades.csv gives every check the grade a careful instructor gives", async () => {
    expect(await text(path.join(out, "grades.csv"))).toBe(
      await text(path.join(expected, "grades.csv")),
    );
  });

  test("summary.csv adds up each student's points per notebook and in total", async () => {
    expect(await text(path.join(out, "summary.csv"))).toBe(
      await text(path.join(expected, "summary.csv")),
    );
  });

  test("exits 1 and names the notebooks that could not be graded, after a closing table", () => {
    expect(status).toBe(1);
    const stderr = run.stderr();
    expect(stderr).toMatch(/^network: /m);
    expect(stderr).toMatch(/grade: 14\/14 /);
    expect(stderr).toMatch(/could not be graded in whole or part/);
    for (const file of [
      "fay/01_add.ipynb",
      "fay/02_server.ipynb",
      "fay/notes.ipynb",
      "gus.ipynb",
    ]) {
      expect(stderr).toContain(file);
    }
    expect(stderr).not.toContain("ben/01_add.ipynb");
    expect(run.stdout()).toMatch(/^01_add\s+12\s+2\.5\s+7\s+/m);
  });

  test("writes a feedback page per notebook, naming hidden checks without showing them", async () => {
    const pages = (await readdir(path.join(out, "feedback"), { recursive: true })).sort();
    expect(pages).toContain(path.join("eve", "01_add.html"));
    expect(pages).toContain(path.join("fay", "notes.html"));
    expect(pages).toContain(path.join("ben", "02_server.html"));
    const page = async (student: string, notebook: string) =>
      new JSDOM(await text(path.join(out, "feedback", student, `${notebook}.html`))).window.document
        .body.textContent ?? "";
    const eve = await page("eve", "01_add");
    expect(eve).toContain("5 of 7 points");
    expect(eve).toContain(
      "FAIL (hidden check) add works for negative numbers (0 of 2): hint: negative numbers add up too",
    );
    expect(eve).toContain("return Math.abs(a) + Math.abs(b);");
    expect(eve).not.toContain("!== -5");
    expect(eve).not.toContain("gave 5");
    expect(await page("cy", "01_add")).toContain(
      'FAIL shout turns hello into HELLO! (0 of 1): shout("hello") gave "hello!" — hint: upper case, then "!"',
    );
    expect(await page("fay", "notes")).toContain("notes.ipynb is not a notebook of this course");
  });

  test("never writes to a submission, and leaves no kernel and no temporary copy behind", async () => {
    expect(await snapshot(path.join(dir, "class"))).toEqual(before);
    expect(await processesIn(work)).toEqual([]);
    expect(existsSync(work) ? await readdir(work) : []).toEqual([]);
  });
});

describe("the command line", () => {
  test.each([
    ["no submission", [], /name at least one submission/],
    [
      "a submission that does not exist",
      ["no/such/folder"],
      /no\/such\/folder: no such file or folder/,
    ],
    ["a bad --jobs", ["--jobs", "0", "x"], /--jobs takes a positive whole number, not "0"/],
    ["an unknown option", ["--fast", "x"], /Unknown option '--fast'/],
  ])("exits 2 for %s, saying what is wrong", async (_what, args, says) => {
    const program = grade(args);
    expect(await program.exited).toBe(2);
    expect(program.stderr()).toMatch(says);
  });

  test("Ctrl-C stops the grading with no kernel, no kernel key and nothing written left behind", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "grade-interrupt-"));
    try {
      const [ada] = await writeClass(path.join(dir, "class"));
      const out = path.join(dir, "out");
      // A temporary folder of its own: the kernels' connection folders (keys, sockets) go there.
      const temporary = path.join(dir, "tmp");
      await mkdir(temporary);
      const program = grade(["--course", course, "--out", out, ada], {
        ...process.env,
        TMPDIR: temporary,
      });
      await program.waitFor(/first a reference run/, { stream: "stderr" });
      // Give the kernels a moment to be running, then interrupt as a terminal's Ctrl-C does.
      const pid = program.child.pid as number;
      for (let i = 0; i < 600 && (await processesIn(work)).length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      program.child.kill("SIGINT");
      expect(await program.exited).toBe(130);
      expect(program.stderr()).toMatch(/interrupted; nothing written/);
      // The kernels were sent SIGKILL as the grader exited: give the system a moment to end them.
      for (let i = 0; i < 100 && (await processesIn(work)).length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await processesIn(work)).toEqual([]);
      expect(existsSync(path.join(work, `run-${pid}`))).toBe(false);
      expect(
        (existsSync(work) ? await readdir(work) : []).filter((n) => n.startsWith(`run-${pid}-`)),
      ).toEqual([]);
      expect(existsSync(out)).toBe(false);
      expect(
        (await readdir(temporary)).filter((name) => name.startsWith("sockets-course-kernel-")),
      ).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
