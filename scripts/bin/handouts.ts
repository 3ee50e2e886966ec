/**
 * Exports the notebooks to static HTML handouts.
 *
 * Usage:
 *   npm run handouts                                   every notebooks/*.ipynb -> dist/handouts/
 *   npm run handouts -- --out DIR FILE.ipynb...        just those notebooks, into DIR
 *   npm run handouts -- --edition student              exercise solutions left out
 *   npm run handouts -- --watch                        again after every save, until Ctrl-C
 *
 * The output folder is replaced as a whole, and only when the export succeeded.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../cli/project";
import { fileCache } from "../handouts/cache";
import { failureMessage, notebooksToExport, parseEdition, runCli } from "../handouts/cli";
import { buildHandouts, createRenderer } from "../handouts/export";
import { checkLaunchConfig, packageLaunchConfig } from "../handouts/launch";
import { watchFolders } from "../handouts/watch";
import { checkReplaceable, writeDirectory } from "../handouts/write";

const usage = `Usage: npm run handouts -- [--out DIR] [--edition instructor|student] [--title TEXT] [--repository URL] [--jupyterhub URL] [--branch NAME] [--no-cache] [--watch] [FILE.ipynb...]

Exports notebooks to HTML handouts: one page per notebook, its notebook, and an index.html.
  --out DIR        output folder (default dist/handouts); replaced as a whole, only on success
  --edition NAME   instructor (default: with exercise solutions) or student (without)
  --title TEXT     the course's name on the index page
  --repository URL the course's git repository: each page links "Open in Binder"
  --jupyterhub URL a JupyterHub (its address, or a link with {repository}, {branch},
                   {repositoryName}, {path}, {notebook}): each page links "Open in your JupyterHub"
  --branch NAME    the branch those links open (default main)
                   (defaults for these three: package.json's "handouts" field)
  --no-cache       render everything afresh (by default highlighted code and sanitized HTML
                   are reused from node_modules/.cache/handouts when their input is unchanged)
  --watch          build, then build again each time a notebook is saved, until Ctrl-C
  FILE.ipynb...    notebooks in lesson order (default: notebooks/*.ipynb by name)`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      edition: { type: "string" },
      title: { type: "string" },
      repository: { type: "string" },
      jupyterhub: { type: "string" },
      branch: { type: "string" },
      "no-cache": { type: "boolean" },
      watch: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const edition = parseEdition(values.edition);
  const launch = {
    ...(await packageLaunchConfig(projectRoot)),
    ...checkLaunchConfig(
      Object.fromEntries(
        (["repository", "jupyterhub", "branch"] as const)
          .filter((key) => values[key] !== undefined)
          .map((key) => [key, values[key]]),
      ),
      "the command line",
    ),
  };
  const out = values.out ?? path.join(projectRoot, "dist", "handouts");
  // Named notebooks stay those; without names, the course's notebooks as they are at each build
  // (a lesson added while watching is picked up).
  const notebooks = () => notebooksToExport(positionals);
  // Nothing to export, or an output folder this script may not replace: say so before loading anything.
  await notebooks();
  await checkReplaceable(out);
  // With the cache, shiki is loaded only if some code is not in it (lazy).
  const cache = values["no-cache"] ? undefined : fileCache();
  const renderer = await createRenderer({ cache, lazy: cache !== undefined });

  const build = async () => {
    const started = performance.now();
    const files = await notebooks();
    const handouts = await buildHandouts(
      { files, edition, courseTitle: values.title, launch },
      renderer,
    );
    await writeDirectory(out, handouts.files, "npm run handouts");
    cache?.save();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.log(
      `handouts: ${handouts.lessons.length} page(s) and index.html, ${edition} edition, in ${path.relative(process.cwd(), out) || "."} (${seconds} s)`,
    );
  };
  if (!values.watch) {
    await build();
    return;
  }

  // --watch: a failed build (a notebook saved half-way, a typo in its JSON) is reported and the
  // previous pages stay; the next save builds again.
  const buildAndReport = () =>
    build().catch((error: unknown) => console.error(failureMessage("handouts", usage, error)));
  await buildAndReport();
  const folders =
    positionals.length > 0
      ? [...new Set(positionals.map((file) => path.dirname(path.resolve(file))))]
      : [path.join(projectRoot, "notebooks")];
  const named = new Set(positionals.map((file) => path.basename(file)));
  const watching = watchFolders({
    folders,
    matches: (name) =>
      positionals.length > 0 ? named.has(name) : name.endsWith(".ipynb") && !name.startsWith("."),
    rebuild: buildAndReport,
  });
  console.log(
    `handouts: watching ${folders.map((f) => path.relative(process.cwd(), f) || ".").join(", ")} for saved notebooks (Ctrl-C to stop)`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        watching.close();
        resolve();
      });
    }
  });
}

await runCli("handouts", usage, () => main(process.argv.slice(2)));
