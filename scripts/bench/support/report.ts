/**
 * What every comparison in scripts/bench/ returns, and how `npm run bench` (scripts/bin/bench.ts)
 * prints it. A comparison is a module in scripts/bench/ that exports
 * `bench(context): Promise<BenchSection>`; it measures its alternatives side by side, several
 * runs each, interleaved (the machines are noisy: a burst of load then hurts every alternative
 * alike), and reports medians and ratios to a baseline.
 *
 * A module in scripts/bench/ without a `bench` export is run as a program (`tsx file`) and what
 * it prints (markdown) goes into the report as it is.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";

/**
 * What `npm run bench` hands each comparison.
 */
export interface BenchContext {
  /** How many measured runs per alternative (their median is reported). */
  runs: number;
  /** `--quick`: smaller sizes, to try the benchmarks out, not to quote. */
  quick: boolean;
  /** Progress for the terminal (stderr), never part of the report. */
  log(message: string): void;
}

/**
 * One comparison's part of the report: a table, the goals it checks and how it measured.
 */
export interface BenchSection {
  title: string;
  /** How it was measured, in a sentence or two (what is compared with what, sizes, runs). */
  method: string;
  columns: string[];
  rows: string[][];
  /** Each goal of the issue, and whether this run met it (undefined: could not be measured). */
  goals?: Array<{ goal: string; met: boolean | undefined }>;
  notes?: string[];
}

/** A module of scripts/bench/: one comparison. */
export type Bench = (context: BenchContext) => Promise<BenchSection>;

/**
 * The median of some samples (the mean of the two middle ones for an even count).
 */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A number for a table: thousands separated, `digits` decimals below 100.
 */
export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return "n/a";
  const decimals = Math.abs(value) >= 100 ? 0 : digits;
  return value.toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/**
 * A ratio for a table: "1.00×", "0.93×".
 */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "n/a";
}

/**
 * Milliseconds since `start` (from `process.hrtime.bigint()`).
 */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs `measure` for each alternative, `runs` rounds, one alternative after another within a
 * round, after one unrecorded warm-up round. Resolves with each alternative's samples.
 */
export async function interleaved<K extends string>(
  alternatives: Record<K, () => Promise<number>>,
  runs: number,
  log: (message: string) => void = () => {},
): Promise<Record<K, number[]>> {
  const names = Object.keys(alternatives) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round <= runs; round++) {
    for (const name of names) {
      const value = await alternatives[name]();
      if (round > 0) samples[name].push(value);
      log(`  ${round === 0 ? "warm-up" : `run ${round}/${runs}`} ${name}: ${formatNumber(value)}`);
    }
  }
  return samples;
}

/**
 * The machine the figures come from: CPU, cores, memory, system, Node and Python versions.
 */
export function machine(): Record<string, string> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: String(cpus.length),
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    system: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    python: pythonVersion() ?? "none",
    "load average at start": os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(", "),
  };
}

/** The Python the echo benchmarks use: Debian's, as in the rest of the project. */
export const PYTHON = "/usr/bin/python3";

function pythonVersion(): string | undefined {
  if (!existsSync(PYTHON)) return undefined;
  try {
    return execFileSync(PYTHON, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/**
 * One section as markdown: a heading, the method, the table, the goals.
 */
export function renderSection(section: BenchSection): string {
  const lines = [`### ${oneLine(section.title)}`, "", oneLine(section.method), ""];
  if (section.columns.length > 0) lines.push(...renderTable(section.columns, section.rows));
  if (section.goals?.length) {
    lines.push("");
    for (const { goal, met } of section.goals) {
      const mark = met === undefined ? "not measured" : met ? "met" : "NOT met";
      lines.push(`- ${oneLine(goal)}: **${mark}**`);
    }
  }
  if (section.notes?.length) {
    lines.push("");
    for (const note of section.notes) lines.push(`- ${oneLine(note)}`);
  }
  return lines.join("\n");
}

/**
 * A markdown table with its columns padded to one width, as `npm run format` writes tables (so
 * the report passes `npm run lint`): the first column left-aligned, the others right-aligned
 * (numbers) unless `numbers` is false.
 */
export function renderTable(columns: string[], rows: string[][], numbers = true): string[] {
  const widths = columns.map((c, i) =>
    Math.max(3, c.length, ...rows.map((r) => (r[i] ?? "").length)),
  );
  const right = (i: number) => numbers && i > 0;
  const cell = (text: string, i: number) =>
    right(i) ? text.padStart(widths[i]) : text.padEnd(widths[i]);
  const line = (cells: string[]) =>
    `| ${columns.map((_, i) => cell(cells[i] ?? "", i)).join(" | ")} |`;
  const rule = widths.map((w, i) => (right(i) ? `${"-".repeat(w - 1)}:` : "-".repeat(w)));
  return [line(columns), `| ${rule.join(" | ")} |`, ...rows.map(line)];
}

/**
 * Text on one line with single spaces: what markdown shows anyway, and what the formatter keeps.
 */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
