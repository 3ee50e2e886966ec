/**
 * `npm run grade` on a class of 30 (test/support/grade-class.ts writeClassOf30): thirty students, three
 * kinds of submission, graded by the real command two kernels at a time. Each student's rows are
 * the hand-written rows of the fixture student of the same kind (test/fixtures/grade/expected/
 * grades.csv), and summary.csv is written out by hand for all thirty.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { course, kindsOf30, text, writeClassOf30 } from "../support/grade-class";
import { type Program, startProgram } from "../support/processes";

const root = path.resolve(import.meta.dirname, "../..");
const expected = path.join(root, "test/fixtures/grade/expected");

describe("grading a class of 30", () => {
  let dir: string;
  let out: string;
  let run: Program;
  let status: number | string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "grade-30-"));
    const submissions = await writeClassOf30(path.join(dir, "class"));
    out = path.join(dir, "out");
    run = startProgram(
      process.execPath,
      [
        "scripts/launch.mjs",
        "scripts/bin/grade.ts",
        "--course",
        course,
        "--out",
        out,
        "--jobs",
        "2",
        "--timeout",
        "30",
        ...submissions,
      ],
      { cwd: root },
    );
    status = await run.exited;
  }, 1_800_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("gives each student the grades of the hand-graded student of the same kind", async () => {
    const [header, ...handGraded] = (await text(path.join(expected, "grades.csv")))
      .trimEnd()
      .split("\n");
    const rowsOf = (student: string) =>
      handGraded
        .filter((row) => row.startsWith(`${student},01_add,`))
        .map((row) => row.slice(student.length));
    const want = [header];
    for (let i = 1; i <= 30; i++) {
      const student = `student${String(i).padStart(2, "0")}`;
      want.push(...rowsOf(kindsOf30[(i - 1) % 3]).map((row) => `${student}${row}`));
    }
    expect((await text(path.join(out, "grades.csv"))).trimEnd().split("\n")).toEqual(want);
  });

  test("summary.csv has the thirty totals an instructor adds up", async () => {
    expect(await text(path.join(out, "summary.csv"))).toBe(
      await text(path.join(expected, "class-of-30-summary.csv")),
    );
  });

  test("exits 0, shows progress with the time left, and closes with the lesson's table", () => {
    expect(status).toBe(0);
    const stderr = run.stderr();
    expect(stderr).toMatch(
      /^grade: 1\/30 student\d\d 01_add: \d+ of 7 points .*, about \d+ (s|min) left$/m,
    );
    expect(stderr).toMatch(/^grade: 30\/30 student\d\d 01_add: /m);
    // Ten of each kind: ada 5 checks pass; eve 4 pass, the hidden one fails; ben 5 fail.
    expect(run.stdout()).toMatch(/^01_add\s+30\s+4\.0\s+7\s+90\s+60\s+0\s+0\s+0$/m);
  });
});
