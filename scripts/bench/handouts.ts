/**
 * Handouts against `jupyter nbconvert --to html`: the time to export the whole course and the size
 * of each page, side by side in one run.
 *
 * Both sides run as the command a user types, in a fresh process each run (startup included):
 * `npm run handouts` (run as `node scripts/launch.mjs scripts/bin/handouts.ts`, without npm's own
 * startup), as a first build (`--no-cache`: shiki and jsdom loaded, every cell rendered), as a
 * rebuild with nothing changed (the cache of the previous run) and as a rebuild after one code cell
 * was edited (what an instructor usually does: that cell needs shiki), the same edit saved while
 * `npm run handouts -- --watch` runs (shiki stays loaded between builds), and
 * one `jupyter nbconvert --to html` over all the notebooks (nbconvert's best case: Python starts
 * once). Runs alternate between them after a warm-up round, so a burst of load on this shared
 * machine hurts all alike; medians are reported. A last row times the export inside one process
 * with the libraries already loaded and no cache: the cost of the pages themselves.
 *
 * `npm run bench:handouts` prints the section as markdown; `npm run bench` gathers it with the
 * other comparisons (the exported `bench` has the shape scripts/bench/ modules share).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { courseNotebooks, projectRoot } from "../cli/project";
import { noCache } from "../handouts/cache";
import { buildHandouts, createRenderer } from "../handouts/export";
import {
  type BenchContext,
  type BenchSection,
  formatNumber,
  interleaved,
  machine,
  median,
  renderSection,
} from "./support/report";

/** Debian's Jupyter (the `jupyter` first on PATH here may belong to a Python without Jupyter). */
export const jupyter = "/usr/bin/jupyter";

const run = promisify(execFile);

/**
 * Measures the export of the course (notebooks/, or the test fixtures when it has none) both ways.
 */
export async function bench(context: BenchContext): Promise<BenchSection> {
  const { files, source } = await notebooksToExport();
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-handouts-"));
  let watcher: Watcher | undefined;
  const notes: string[] = [
    `notebooks: ${source} (${files.length}: ${files.map((f) => path.basename(f)).join(", ")})`,
  ];
  try {
    const oursOut = path.join(work, "ours");
    const nbconvertOut = path.join(work, "nbconvert");
    const hasJupyter = existsSync(jupyter);
    const handouts = (...flags: string[]) =>
      run(
        process.execPath,
        ["scripts/launch.mjs", "scripts/bin/handouts.ts", "--out", oursOut, ...flags, ...files],
        {
          cwd: projectRoot,
        },
      );
    // The command prints how long its export took once started ("(0.11 s)"): kept per run, to
    // show how much of a rebuild is Node starting up.
    const reported: number[] = [];
    const rebuild = async () => {
      const start = process.hrtime.bigint();
      const { stdout } = await handouts();
      const wall = Number(process.hrtime.bigint() - start) / 1e6;
      reported.push(Number(/\((\d+(?:\.\d+)?) s\)/.exec(stdout)?.[1] ?? Number.NaN) * 1000);
      return wall;
    };
    const emptyScript = path.join(work, "empty.ts");
    await writeFile(emptyScript, "export {};\n");
    const alternatives: Record<string, () => Promise<number>> = {
      "npm run handouts, first build (--no-cache)": () => timed(() => handouts("--no-cache")),
      "npm run handouts, rebuild (cache of the previous run)": rebuild,
      "startup alone: an empty program through scripts/launch.mjs": () =>
        timed(() =>
          run(process.execPath, ["scripts/launch.mjs", emptyScript], { cwd: projectRoot }),
        ),
    };
    if (hasJupyter) {
      alternatives["jupyter nbconvert --to html (one process, all notebooks)"] = () =>
        timed(() =>
          run(jupyter, ["nbconvert", "--to", "html", "--output-dir", nbconvertOut, ...files], {
            cwd: projectRoot,
            env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" },
          }),
        );
    } else {
      notes.push(`no ${jupyter} on this machine: nbconvert was not measured`);
    }
    // An instructor's usual rebuild: one code cell edited (a new one each run), everything else in
    // the cache. That cell needs shiki, so this one loads it, unlike a rebuild with no change.
    const editedFiles = await copyNotebooks(files, path.join(work, "edited"));
    const lesson = Math.floor(files.length / 2);
    let edits = 0;
    // Unique to this benchmark run: the render cache outlives it, and an edit it has seen before
    // (the same line from an earlier run) would be found there and not measure a change at all.
    const nonce = `${Date.now().toString(36)}-${process.pid}`;
    alternatives["npm run handouts, rebuild after editing one code cell"] = async () => {
      edits += 1;
      await editFirstCodeCell(
        files[lesson],
        editedFiles[lesson],
        `// edited for run ${edits} (${nonce})`,
      );
      return timed(() =>
        run(
          process.execPath,
          [
            "scripts/launch.mjs",
            "scripts/bin/handouts.ts",
            "--out",
            path.join(work, "edited-out"),
          ].concat(editedFiles),
          { cwd: projectRoot },
        ),
      );
    };
    // The same edit with `--watch` running: from the save to the pages written, the watcher's
    // wait for the save to settle (150 ms) included.
    const watchedFiles = await copyNotebooks(files, path.join(work, "watched"));
    watcher = await startWatcher(watchedFiles, path.join(work, "watched-out"));
    const watching = watcher;
    alternatives["npm run handouts -- --watch, from saving one edited code cell to its pages"] =
      async () => {
        edits += 1;
        const before = watching.builds();
        const start = process.hrtime.bigint();
        await editFirstCodeCell(
          files[lesson],
          watchedFiles[lesson],
          `// edited for run ${edits} (${nonce})`,
        );
        await watching.built(before + 1);
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
    // Libraries loaded, no cache: what rendering the pages costs once startup is paid.
    const renderer = await createRenderer({ cache: noCache });
    alternatives["in one process, libraries loaded, no cache (pages only)"] = () =>
      timed(() => buildHandouts({ files, edition: "instructor" }, renderer));

    const runs = context.quick ? Math.min(context.runs, 2) : context.runs;
    context.log("Handouts vs nbconvert:");
    const samples = await interleaved(alternatives, runs, context.log);
    const medians = Object.fromEntries(
      Object.entries(samples).map(([name, values]) => [name, median(values)]),
    );
    const [firstName, rebuildName, , nbconvertName] = Object.keys(alternatives);
    const editedName = "npm run handouts, rebuild after editing one code cell";
    const watchName = "npm run handouts -- --watch, from saving one edited code cell to its pages";
    const nbconvertMs = hasJupyter ? medians[nbconvertName] : Number.NaN;
    const rows = Object.entries(samples).map(([name, values]) => [
      name,
      `${formatNumber(medians[name], 0)} ms`,
      name === nbconvertName
        ? "1.0×"
        : hasJupyter
          ? `${formatNumber(nbconvertMs / medians[name], 1)}× faster`
          : "n/a",
      values.map((v) => formatNumber(v, 0)).join(", "),
    ]);

    // The warm-up round's report is dropped, like its wall time.
    const exportOnly = reported.slice(1);
    rows.splice(2, 0, [
      "npm run handouts, rebuild: the export itself, as the command reports it (no startup)",
      `${formatNumber(median(exportOnly), 0)} ms`,
      hasJupyter ? `${formatNumber(nbconvertMs / median(exportOnly), 1)}× faster` : "n/a",
      exportOnly.map((v) => formatNumber(v, 0)).join(", "),
    ]);

    const ourSizes = await pageSizes(oursOut);
    const theirSizes = hasJupyter ? await pageSizes(nbconvertOut) : new Map<string, number>();
    let worstSizeRatio = 0;
    for (const file of files) {
      const page = `${path.basename(file, ".ipynb")}.html`;
      const ours = ourSizes.get(page) ?? Number.NaN;
      const theirs = theirSizes.get(page) ?? Number.NaN;
      worstSizeRatio = Math.max(worstSizeRatio, ours / theirs);
      rows.push([
        `page size, ${page}`,
        formatBytes(ours),
        hasJupyter
          ? `${formatNumber(ours / theirs, 3)}× nbconvert's ${formatBytes(theirs)}`
          : "n/a",
        "",
      ]);
    }
    return {
      title: "Handouts: export of the course vs jupyter nbconvert --to html",
      method: `Time to export ${files.length} notebook(s) to HTML: median of ${runs} interleaved runs after a warm-up round, wall clock, startup included for both commands. Page sizes of the same notebooks, bytes on disk (both self-contained, images inlined).`,
      columns: ["export", "median", "vs nbconvert", "runs (ms)"],
      rows,
      goals: [
        {
          goal: "the whole course at least 10 times faster than nbconvert: first build (fresh process, nothing cached)",
          met: hasJupyter ? nbconvertMs / medians[firstName] >= 10 : undefined,
        },
        {
          goal: "the whole course at least 10 times faster than nbconvert: rebuild (fresh process, cache of the previous run)",
          met: hasJupyter ? nbconvertMs / medians[rebuildName] >= 10 : undefined,
        },
        {
          goal: "the whole course at least 10 times faster than nbconvert: rebuild after editing one code cell",
          met: hasJupyter ? nbconvertMs / medians[editedName] >= 10 : undefined,
        },
        {
          goal: "the whole course at least 10 times faster than nbconvert: from saving an edited code cell to its pages, with --watch running",
          met: hasJupyter ? nbconvertMs / medians[watchName] >= 10 : undefined,
        },
        {
          goal: "every page at most a tenth of nbconvert's page for the same notebook",
          met: hasJupyter ? worstSizeRatio <= 0.1 : undefined,
        },
      ],
      notes: [
        ...notes,
        "a fresh process pays Node's startup and the launcher's (the \"startup alone\" row) before any work: most of a rebuild",
        'a first build spends its time loading shiki and jsdom and tokenizing every cell with a cold JIT; in a warm process the same pages take the "pages only" row\'s time',
      ],
    };
  } finally {
    await watcher?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

interface Watcher {
  /** Builds finished so far (the first one included). */
  builds(): number;
  /** Resolves once `count` builds have finished; rejects if the watcher fails or exits first. */
  built(count: number): Promise<void>;
  stop(): Promise<void>;
}

/** `npm run handouts -- --watch` on `files`, once its first build is done. */
async function startWatcher(files: string[], out: string): Promise<Watcher> {
  const child = spawn(
    process.execPath,
    ["scripts/launch.mjs", "scripts/bin/handouts.ts", "--watch", "--out", out, ...files],
    { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let builds = 0;
  let failure: Error | undefined;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const check of waiting) check();
  };
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (/^handouts: \d+ page\(s\)/.test(line)) builds += 1;
    wake();
  });
  createInterface({ input: child.stderr }).on("line", (line) => {
    failure ??= new Error(`npm run handouts -- --watch: ${line}`);
    wake();
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      failure ??= new Error(`npm run handouts -- --watch exited (${code})`);
      wake();
      resolve();
    }),
  );
  const built = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (builds >= count) {
          waiting.delete(check);
          resolve();
        } else if (failure) {
          waiting.delete(check);
          reject(failure);
        }
      };
      waiting.add(check);
      check();
    });
  await built(1);
  return {
    builds: () => builds,
    built,
    stop: async () => {
      child.kill("SIGINT");
      await exited;
    },
  };
}

async function notebooksToExport(): Promise<{ files: string[]; source: string }> {
  try {
    return { files: await courseNotebooks(projectRoot), source: "the course's notebooks/" };
  } catch {
    const folder = path.join(projectRoot, "test", "fixtures", "handouts", "course");
    const names = (await readdir(folder)).filter((name) => name.endsWith(".ipynb")).sort();
    return {
      files: names.map((name) => path.join(folder, name)),
      source: "notebooks/ is empty, so the handouts test fixtures",
    };
  }
}

async function copyNotebooks(files: string[], folder: string): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  return Promise.all(
    files.map(async (file) => {
      const copy = path.join(folder, path.basename(file));
      await copyFile(file, copy);
      return copy;
    }),
  );
}

/** Writes `from` to `to` with a line appended to its first code cell. */
async function editFirstCodeCell(from: string, to: string, line: string): Promise<void> {
  const notebook = JSON.parse(await readFile(from, "utf8")) as {
    cells: Array<{ cell_type: string; source: string | string[] }>;
  };
  const cell = notebook.cells.find((c) => c.cell_type === "code");
  if (cell === undefined) throw new Error(`${from} has no code cell to edit`);
  const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
  cell.source = `${source}\n${line}`;
  await writeFile(to, `${JSON.stringify(notebook, null, 1)}\n`);
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function pageSizes(folder: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const name of await readdir(folder)) {
    if (name.endsWith(".html")) sizes.set(name, (await stat(path.join(folder, name))).size);
  }
  return sizes;
}

function formatBytes(bytes: number): string {
  return Number.isFinite(bytes) ? `${formatNumber(bytes / 1024, 1)} KB` : "n/a";
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
  const section = await bench({ runs, quick, log: (m) => console.error(m) });
  const about = Object.entries(machine()).map(([key, value]) => `${key}: ${value}`);
  console.log(
    `${renderSection(section)}\n\n${new Date().toISOString().slice(0, 10)}; ${about.join("; ")}`,
  );
}
