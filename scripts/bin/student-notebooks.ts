/**
 * Writes the student edition of every notebook, ready to hand out.
 *
 * Usage:
 *   npm run student-notebooks                         notebooks/*.ipynb -> dist/student/
 *   npm run student-notebooks -- --out DIR FILE.ipynb...
 *
 * Each notebook keeps every cell, with exercise solutions replaced by `// YOUR CODE HERE` and the
 * outputs of solution and check cells cleared (see scripts/handouts/edition.ts). The helper library
 * is copied beside them as src/, so `import ... from "./src/index"` works wherever the folder goes,
 * and so are the lecture's Python programs, as python/ (scripts/handouts/course-material.ts).
 */
import path from "node:path";
import { parseArgs } from "node:util";

import { projectRoot } from "../cli/project";
import { notebooksToExport, runCli } from "../handouts/cli";
import { courseMaterial } from "../handouts/course-material";
import { isSolutionCell, studentEdition } from "../handouts/edition";
import { describeLesson } from "../handouts/index-page";
import { createMarkdown } from "../handouts/markdown";
import { studentReadme } from "../handouts/student-guide";
import { checkReplaceable, writeDirectory } from "../handouts/write";
import { readNotebook, serializeNotebook } from "../notebook";

const usage = `Usage: npm run student-notebooks -- [--out DIR] [FILE.ipynb...]

Writes the student edition of notebooks (solutions out, their outputs cleared), the helper
library they import (src/) and the lecture's Python programs they run (python/).
  --out DIR       output folder (default dist/student); replaced as a whole, only on success
  FILE.ipynb...   the notebooks (default: notebooks/*.ipynb)`;

/** Titles are read from markdown alone: nothing is highlighted or sanitized here. */
const plainHighlighter = { highlight: (code: string) => code, resolve: () => undefined };
const noSanitizer = {
  html: (html: string) => html,
  svg: (svg: string) => svg,
};

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const files = await notebooksToExport(positionals);
  const out = values.out ?? path.join(projectRoot, "dist", "student");
  await checkReplaceable(out);
  const output = new Map<string, string | Uint8Array>();
  let exercises = 0;
  const lessons: { file: string; title: string }[] = [];
  const markdown = createMarkdown({ highlighter: plainHighlighter, sanitizer: noSanitizer });
  for (const file of files) {
    const { notebook } = await readNotebook(file);
    exercises += notebook.cells.filter(isSolutionCell).length;
    output.set(path.basename(file), serializeNotebook(studentEdition(notebook, file), file));
    const name = path.basename(file);
    lessons.push({ file: name, title: describeLesson(notebook, name, markdown).title });
  }
  for (const [name, content] of await courseMaterial(projectRoot)) output.set(name, content);
  output.set("README.md", studentReadme(lessons));
  await writeDirectory(out, output, "npm run student-notebooks");
  console.log(
    `student-notebooks: ${files.length} notebook(s), ${exercises} exercise solution(s) left out, in ${path.relative(process.cwd(), out) || "."}`,
  );
}

await runCli("student-notebooks", usage, () => main(process.argv.slice(2)));
