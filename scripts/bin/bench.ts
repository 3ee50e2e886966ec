/**
 * `npm run bench`: every comparison in scripts/bench/ in one run, printed as one markdown report
 * and written to bench-results.md. Speed is measured here, never asserted in tests.
 *
 *   npm run bench -- [--runs N] [--quick] [--only NAME] [--out FILE]
 *
 * --runs N     measured runs per alternative, median reported (default 5)
 * --quick      small sizes and 3 runs: to try it out, not to quote
 * --only NAME  only the comparisons whose file name contains NAME (e.g. echo)
 * --out FILE   where to write the report (default bench-results.md)
 *
 * Each file in scripts/bench/ is one comparison (see scripts/bench/support/report.ts): it exports
 * `bench(context)`, or else it is run as a program (with BENCH_RUNS and BENCH_QUICK in its
 * environment) and the markdown it prints is taken as it is.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import {
  type Bench,
  type BenchContext,
  machine,
  renderSection,
  renderTable,
} from "../bench/support/report";
import { projectRoot } from "../cli/project";

const benchDir = path.join(projectRoot, "scripts", "bench");

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string" },
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      out: { type: "string", default: "bench-results.md" },
    },
  });
  const quick = values.quick === true;
  const runs = values.runs === undefined ? (quick ? 3 : 5) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`bench: --runs takes a whole number from 1, got ${values.runs}`);
    return 2;
  }
  const context: BenchContext = {
    runs,
    quick,
    log: (message) => process.stderr.write(`${message}\n`),
  };
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith(".ts") && (!values.only || f.includes(values.only)))
    .sort();
  if (files.length === 0) {
    console.error(`bench: no comparison in scripts/bench/ matches ${values.only}`);
    return 2;
  }

  const started = new Date();
  const about = machine();
  const parts: string[] = [];
  let failed = false;
  for (const file of files) {
    context.log(`bench: ${file}`);
    try {
      parts.push(await runComparison(path.join(benchDir, file), context));
    } catch (err) {
      failed = true;
      const message = err instanceof Error ? err.message : String(err);
      context.log(`bench: ${file} failed: ${message}`);
      parts.push(`### ${file}\n\nFailed: ${message.split("\n")[0]}`);
    }
  }

  const header = [
    `Measured on ${started.toISOString().slice(0, 10)} by \`npm run bench${quick ? " -- --quick" : ""}\`` +
      ` (${runs} runs per alternative, medians).`,
    "",
    ...renderTable(["machine", ""], Object.entries(about), false),
  ].join("\n");
  const report = `## Benchmark results\n\n${header}\n\n${parts.join("\n\n")}\n`;
  process.stdout.write(report);
  writeFileSync(path.resolve(projectRoot, values.out ?? "bench-results.md"), report);
  context.log(`bench: written to ${values.out}`);
  return failed ? 1 : 0;
}

async function runComparison(file: string, context: BenchContext): Promise<string> {
  // Only a module that exports bench() is imported: importing a program would run it.
  if (/export\s+(async\s+)?(function|const)\s+bench\b/.test(readFileSync(file, "utf8"))) {
    const module = (await import(pathToFileURL(file).href)) as { bench?: Bench };
    if (typeof module.bench === "function") return renderSection(await module.bench(context));
  }
  // A program printing its own markdown; it reads the settings from the environment.
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", file], {
    cwd: projectRoot,
    maxBuffer: 16 * 2 ** 20,
    env: {
      ...process.env,
      BENCH_RUNS: String(context.runs),
      BENCH_QUICK: context.quick ? "1" : "",
    },
  });
  return stdout.trim();
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
