/**
 * The fixture class: submissions made from the student editions of the fixture course
 * (test/fixtures/grade/course/), each student's notebooks edited the way a student would, one
 * student per kind of submission the grader must handle. test/fixtures/grade/expected/ holds the
 * grades a careful instructor gives them, written by hand.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { studentEdition } from "../../scripts/handouts/edition";
import { type Cell, joinSource, type Notebook, readNotebook } from "../../scripts/notebook";

export const course = path.resolve(import.meta.dirname, "../fixtures/grade/course");

/** A student edition with each named cell's source replaced (and other edits by `change`). */
async function submission(
  lesson: string,
  sources: Record<string, string>,
  change?: (cells: Cell[]) => Cell[],
): Promise<string> {
  const file = path.join(course, `${lesson}.ipynb`);
  const { notebook } = await readNotebook(file);
  const student = studentEdition(notebook, file);
  let cells = student.cells.map((cell) =>
    cell.id !== undefined && cell.id in sources ? { ...cell, source: sources[cell.id] } : cell,
  );
  if (change) cells = change(cells);
  return `${JSON.stringify({ ...student, cells } satisfies Notebook, null, 1)}\n`;
}

/** The reference solution of a cell, as a student who got it right writes it. */
async function solution(lesson: string, id: string): Promise<string> {
  const { notebook } = await readNotebook(path.join(course, `${lesson}.ipynb`));
  const cell = notebook.cells.find((c) => c.id === id);
  return joinSource(cell?.source ?? "").replace(/^\s*\/\/ (BEGIN|END) SOLUTION\n/gm, "");
}

/**
 * Writes the class into `root` (one folder per student, one student as a single file) and returns
 * the submissions to give the grader, in the order given on its command line.
 */
export async function writeClass(root: string): Promise<string[]> {
  const add = await solution("01_add", "f01-ex1");
  const shout = await solution("01_add", "f01-ex2");
  const openServer = await solution("02_server", "f02-ex1");
  const files: Record<string, string> = {
    // Everything right.
    "ada/01_add.ipynb": await submission("01_add", { "f01-ex1": add, "f01-ex2": shout }),
    "ada/02_server.ipynb": await submission("02_server", { "f02-ex1": openServer }),
    // The student edition as handed out: nothing done, lesson 02 not handed in.
    "ben/01_add.ipynb": await submission("01_add", {}),
    // A mix: exercise 1 right, shout in lower case; a server on every interface.
    "cy/01_add.ipynb": await submission("01_add", {
      "f01-ex1": add,
      "f01-ex2": shout.replace("toUpperCase", "toLowerCase"),
    }),
    "cy/02_server.ipynb": await submission("02_server", {
      "f02-ex1": openServer.replace('["127.0.0.1", 0]', '["", 0]'),
    }),
    // A wrong add, a check cell edited to print PASS, and PASS printed by the solution too.
    "dee/01_add.ipynb": await submission("01_add", {
      "f01-ex1":
        'function add(a: number, b: number): number {\n  return a - b;\n}\nconsole.log("PASS add works for negative numbers");',
      "f01-ex1-check":
        'console.log("PASS add adds two small numbers");\nconsole.log("PASS add adds zero");',
      "f01-ex2": shout,
    }),
    // Right for the visible checks, wrong for the hidden one.
    "eve/01_add.ipynb": await submission("01_add", {
      "f01-ex1":
        "function add(a: number, b: number): number {\n  return Math.abs(a) + Math.abs(b);\n}",
      "f01-ex2": shout,
    }),
    // Not JSON (cut short), nbformat 3, and a notebook of no lesson.
    "fay/01_add.ipynb": (await submission("01_add", { "f01-ex1": add })).slice(0, 400),
    "fay/02_server.ipynb":
      '{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}\n',
    "fay/notes.ipynb": `${JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "markdown", id: "n1", metadata: {}, source: "my notes" }] })}\n`,
    // One file (the student is its name): exercise 1 pasted into a new cell (its id changed),
    // exercise 2's check cell deleted.
    "gus.ipynb": await submission("01_add", { "f01-ex1": add, "f01-ex2": shout }, (cells) =>
      cells
        .filter((cell) => cell.id !== "f01-ex2-check")
        .map((cell) => (cell.id === "f01-ex1" ? { ...cell, id: "cell-7" } : cell)),
    ),
    // A loop that never ends in exercise 1; exercise 2 right.
    "hal/01_add.ipynb": await submission("01_add", {
      "f01-ex1": `${add}\nwhile (true) {}`,
      "f01-ex2": shout,
    }),
    // Fills the memory; ends its kernel with process.exit.
    "ivy/01_add.ipynb": await submission("01_add", {
      "f01-ex1": `${add}\nconst hog: number[][] = [];\nwhile (true) hog.push(new Array(1e6).fill(1.5));`,
      "f01-ex2": shout,
    }),
    "ivy/02_server.ipynb": await submission("02_server", {
      "f02-ex1": `${openServer}\nprocess.exit(3);`,
    }),
    // Prints without end (asynchronously, so the output keeps coming); exercise 2 right.
    "jo/01_add.ipynb": await submission("01_add", {
      "f01-ex1": `${add}\nfor (;;) {\n  console.log("spam ".repeat(2000));\n  await new Promise((resolve) => setTimeout(resolve, 1));\n}`,
      "f01-ex2": shout,
    }),
    // Buffers without end: outside the heap limit, stopped by the grader's watch on its memory.
    "kit/01_add.ipynb": await submission("01_add", {
      "f01-ex1": `${add}\nconst hog: Buffer[] = [];\nwhile (true) hog.push(Buffer.alloc(5e7, 1));`,
      "f01-ex2": shout,
    }),
    // Forged verdicts: add prints PASS for every check of exercise 1 when first called (and
    // subtracts); exercise 2's cell makes console.log turn FAIL lines into PASS.
    "lu/01_add.ipynb": await submission("01_add", {
      "f01-ex1": [
        "let said = false;",
        "function add(a: number, b: number): number {",
        "  if (!said) {",
        "    said = true;",
        '    for (const d of ["add adds two small numbers", "add adds zero", "add works for negative numbers"]) console.log("PASS " + d);',
        "  }",
        "  return a - b;",
        "}",
      ].join("\n"),
      "f01-ex2": [
        "const realLog = console.log;",
        "console.log = (...args: unknown[]) =>",
        '  realLog(...args.map((a) => (typeof a === "string" ? a.replace(/^(\\x1b\\[[0-9;]*m)*FAIL ([^:]*):.*/, "PASS $2") : a)));',
        "function shout(text: string): string {",
        "  return text;",
        "}",
      ].join("\n"),
    }),
  };
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return [
    "ada",
    "ben",
    "cy",
    "dee",
    "eve",
    "fay",
    "gus.ipynb",
    "hal",
    "ivy",
    "jo",
    "kit",
    "lu",
  ].map((name) => path.join(root, name));
}

/** A file's text, for comparing with the expected CSVs. */
export const text = (file: string) => readFile(file, "utf8");

/** The three kinds of student in the class of 30, each graded as the same-named student above. */
export const kindsOf30 = ["ada", "eve", "ben"] as const;

/**
 * Writes a class of 30 into `root`: student01 to student30, each with lesson 01_add only, made
 * as ada (all right), eve (a hidden check failing) and ben (nothing done) made theirs, in turn
 * (student01 as ada, student02 as eve, student03 as ben, student04 as ada...). Returns the
 * student folders.
 */
export async function writeClassOf30(root: string): Promise<string[]> {
  const add = await solution("01_add", "f01-ex1");
  const shout = await solution("01_add", "f01-ex2");
  const made: Record<(typeof kindsOf30)[number], string> = {
    ada: await submission("01_add", { "f01-ex1": add, "f01-ex2": shout }),
    eve: await submission("01_add", {
      "f01-ex1":
        "function add(a: number, b: number): number {\n  return Math.abs(a) + Math.abs(b);\n}",
      "f01-ex2": shout,
    }),
    ben: await submission("01_add", {}),
  };
  const folders: string[] = [];
  for (let i = 1; i <= 30; i++) {
    const folder = path.join(root, `student${String(i).padStart(2, "0")}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, "01_add.ipynb"), made[kindsOf30[(i - 1) % 3]]);
    folders.push(folder);
  }
  return folders;
}
