/**
 * Exports the notebooks to static HTML handouts.
 *
 * Usage:
 *   npm run handouts                                   every notebooks/*.ipynb -> dist/handouts/
 *   npm run handouts -- --out DIR FILE.ipynb...        just those notebooks, into DIR
 *   npm run handouts -- --edition student              exercise solutions left out
 *
 * The output folder is replaced as a whole, and only when the export succeeded.
 */
import path from "node:path";
import { parseArgs } from "node:util";

import { courseNotebooks, parseEdition, projectRoot, runCli } from "./handouts/cli";
import { buildHandouts } from "./handouts/export";
import { checkReplaceable, writeDirectory } from "./handouts/write";

const usage = `Usage: npm run handouts -- [--out DIR] [--edition instructor|student] [--title TEXT] [FILE.ipynb...]

Exports notebooks to HTML handouts: one page per notebook, its notebook, and an index.html.
  --out DIR        output folder (default dist/handouts); replaced as a whole, only on success
  --edition NAME   instructor (default: with exercise solutions) or student (without)
  --title TEXT     the course's name on the index page
  FILE.ipynb...    notebooks in lesson order (default: notebooks/*.ipynb by name)`;

async function main(argv: string[]): Promise<void> {
  const started = performance.now();
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      edition: { type: "string" },
      title: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const edition = parseEdition(values.edition);
  const files = positionals.length > 0 ? positionals : await courseNotebooks(projectRoot);
  const out = values.out ?? path.join(projectRoot, "dist", "handouts");
  await checkReplaceable(out);
  const handouts = await buildHandouts({ files, edition, courseTitle: values.title });
  await writeDirectory(out, handouts.files, "npm run handouts");
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(
    `handouts: ${handouts.lessons.length} page(s) and index.html, ${edition} edition, in ${path.relative(process.cwd(), out) || "."} (${seconds} s)`,
  );
}

await runCli("handouts", usage, () => main(process.argv.slice(2)));
