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
import { fileCache } from "./handouts/cache";
import { courseNotebooks, parseEdition, projectRoot, runCli } from "./handouts/cli";
import { buildHandouts, createRenderer } from "./handouts/export";
import { checkReplaceable, writeDirectory } from "./handouts/write";

const usage = `Usage: npm run handouts -- [--out DIR] [--edition instructor|student] [--title TEXT] [--no-cache] [FILE.ipynb...]

Exports notebooks to HTML handouts: one page per notebook, its notebook, and an index.html.
  --out DIR        output folder (default dist/handouts); replaced as a whole, only on success
  --edition NAME   instructor (default: with exercise solutions) or student (without)
  --title TEXT     the course's name on the index page
  --no-cache       render everything afresh (by default highlighted code and sanitized HTML
                   are reused from node_modules/.cache/handouts when their input is unchanged)
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
      "no-cache": { type: "boolean" },
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
  // With the cache, shiki is loaded only if some code is not in it (lazy).
  const cache = values["no-cache"] ? undefined : fileCache();
  const renderer = await createRenderer({ cache, lazy: cache !== undefined });
  const handouts = await buildHandouts({ files, edition, courseTitle: values.title }, renderer);
  await writeDirectory(out, handouts.files, "npm run handouts");
  cache?.save();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(
    `handouts: ${handouts.lessons.length} page(s) and index.html, ${edition} edition, in ${path.relative(process.cwd(), out) || "."} (${seconds} s)`,
  );
}

await runCli("handouts", usage, () => main(process.argv.slice(2)));
