/**
 * What students are told, written once: the student folder's README.md (dist/student/README.md)
 * is generated from these facts, and the main README's "What to tell students" holds the same
 * advice list (test/handouts/student-guide.test.ts keeps the two equal, and checks that every
 * command and import named here works).
 */

/** How a notebook imports the helper library (tslab needs the file, `./src/index`, not `./src`). */
export const importLine = 'import { socket, AF_INET, SOCK_STREAM } from "./src/index";';

/**
 * Commands run in the course's folder (where package.json is), in the order a student needs them.
 */
export const studentCommands: { command: string; what: string }[] = [
  { command: "npm install", what: "once: the tslab kernel and the tools (Node 20 or newer)" },
  { command: "npm run student-notebooks", what: "writes this folder, dist/student/" },
  {
    command: "npm start -- --notebook-dir dist/student",
    what: "Jupyter on 127.0.0.1 with these notebooks; it prints the address to open",
  },
];

/**
 * The advice, one markdown list item each. What Run All does was seen in Jupyter Notebook 6 with
 * tslab 1.0.22: a cell that throws makes tslab cancel every cell already waiting (its
 * `execQueue.reset(200)`), so Run All stops at the first cell that throws; an unfinished exercise
 * throws only inside the function its check calls, and the check prints FAIL without throwing.
 */
export const studentAdvice: string[] = [
  "Run the cells **in order**, from the top, with Shift-Enter: a cell uses what the cells above it made. Each lesson's first cell closes what an earlier run left open.",
  "**Run All** (Cell, then Run All) runs a lesson to its end, exercises not done yet included: their checks print FAIL with a hint and the cells after them still run. Only a cell that stops with an error (a red error text) makes tslab skip every cell after it: fix that cell and run on from there.",
  "A cell that **hangs** (its prompt stays `[*]`), or a port that seems taken: Kernel, then Restart (or Interrupt first), and run the lesson again from the top.",
  "Close a lesson you are done with by **File, then Close and Halt**: every open lesson keeps its own Jupyter kernel running, 200 to 270 MB of memory, until it is halted.",
  "A cell sent **right after a failing one** (within about 200 ms, as with a quick Shift-Enter, Shift-Enter) can be skipped by tslab without a word: its prompt stays empty. Run it again.",
  "Exercises: write your code in the cell that says `// YOUR CODE HERE` (delete the `throw` line below it), run it, then run the next cell: it checks your code for real and prints PASS, or FAIL with a hint.",
];

/** The advice as a markdown list. */
export function adviceMarkdown(): string {
  return studentAdvice.map((item) => `- ${item}`).join("\n");
}

/**
 * The student folder's README.md.
 *
 * @param lessons the notebooks in the folder, in order: file name and title
 */
export function studentReadme(lessons: { file: string; title: string }[]): string {
  const list = lessons.map((lesson) => `- [${lesson.title}](${lesson.file})`).join("\n");
  const commands = studentCommands
    .map(({ command, what }) => `${command.padEnd(42)} # ${what}`)
    .join("\n");
  return `# Student notebooks

The course's lessons, to run in Jupyter with the TypeScript kernel (tslab): open a notebook and run
it cell by cell. Every lesson starts a real server and a real client on this machine, on
127.0.0.1.

${list}

\`src/\` is the course's socket helper library. The notebooks import it from this folder, by its
file \`./src/index\` (not \`./src\`, which tslab cannot load):

\`\`\`ts
${importLine}
\`\`\`

\`python/\` holds the lecture's echo programs in Python, \`echo_server.py\` and \`echo_client.py\`:
lessons 06, 07 and 12 run them from there (with Python 3, if the machine has it), and in a terminal
in this folder you can run them yourself: \`python3 python/echo_server.py\`, then
\`python3 python/echo_client.py\` in a second terminal.

Keep \`src/\` and \`python/\` beside the notebooks when you copy them. In the course's folder:

\`\`\`bash
${commands}
\`\`\`

(On Binder or your school's JupyterHub, this folder is already open: skip the commands.)

## How to work through a lesson

${adviceMarkdown()}
`;
}
