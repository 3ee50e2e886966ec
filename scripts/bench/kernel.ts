/**
 * What a student waits for and what a hub must hold: the tslab kernel as the course starts it
 * (scripts/tslab-kernel/, the kernelspec's command line) against tslab's own command line, as the
 * course started it before (`kernelArgv({ plain: true })`), side by side in one run.
 *
 * Per run and per command line, one kernel in notebooks/ (as Jupyter starts it):
 * - kernel start: spawn to ready (a kernel_info reply and a first iopub message);
 * - a trivial cell (`const x = 1 + 1; console.log(x)`) in bare tslab (nothing imported), then the
 *   first lesson's import of the helper, then the same trivial cell again, medians of 9 after 3
 *   unrecorded ones;
 * then one more kernel per command line runs every code cell of a lesson and reports its memory
 * (resident set, VmRSS of /proc/PID/status) and CPU time (user+system) at the end.
 * The whole course (`npm run execute -- --check --jobs 1`, typed as a user types it) is timed in
 * core-seconds, the CPU time of npm, the runner and every kernel (bash's `times`), once per
 * command line (`--quick`: skipped).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

import { kernelArgv, projectRoot } from "../jupyter/kernelspec";
import { joinSource, readNotebook } from "../notebook";
import { type Kernel, startKernel } from "../runner/kernel";
import {
  type BenchContext,
  type BenchSection,
  formatNumber,
  formatRatio,
  median,
} from "./support/report";

const notebooks = path.join(projectRoot, "notebooks");
const trivialCell = "const x = 1 + 1; console.log(x)";
const importCell =
  'import { socket, AF_INET, SOCK_STREAM, closeAll, systemError, check } from "./src/index";';
/** The lesson whose kernel's memory is reported: the longest, with recordings and diagrams. */
const memoryLesson = "08_multiplexing.ipynb";

const commandLines = {
  before: kernelArgv({ plain: true }),
  after: kernelArgv(),
} as const;
type Alternative = keyof typeof commandLines;
const alternatives = Object.keys(commandLines) as Alternative[];

interface CellSamples {
  startMs: number[];
  /**
   * CPU time of the kernel process from its start to ready, in ms: steadier than wall time under
   * load.
   */
  startCpuMs: number[];
  bareMs: number[];
  importMs: number[];
  helperMs: number[];
}

/**
 * Runs the kernel comparison.
 */
export async function bench(context: BenchContext): Promise<BenchSection> {
  const samples = Object.fromEntries(
    alternatives.map((a) => [
      a,
      { startMs: [], startCpuMs: [], bareMs: [], importMs: [], helperMs: [] },
    ]),
  ) as unknown as Record<Alternative, CellSamples>;
  const loads: string[] = [loadAverage()];
  for (let round = 0; round <= context.runs; round++) {
    for (const alternative of alternatives) {
      const kernel = await start(alternative);
      const startCpuMs = cpuSeconds(kernel.pid) * 1000;
      try {
        const repeat = context.quick ? 3 : 9;
        const bare = await cellTimes(kernel, trivialCell, repeat);
        const imported = await timed(kernel, importCell);
        const helper = await cellTimes(kernel, trivialCell, repeat);
        if (round === 0) continue; // The warm-up round: the code cache and helper view get made.
        const s = samples[alternative];
        s.startMs.push(kernel.startMs);
        s.startCpuMs.push(startCpuMs);
        s.bareMs.push(bare);
        s.importMs.push(imported);
        s.helperMs.push(helper);
        context.log(
          `  run ${round}/${context.runs} ${alternative}: start ${formatNumber(kernel.startMs)} ms, bare cell ${formatNumber(bare)} ms, import ${formatNumber(imported)} ms, cell after import ${formatNumber(helper)} ms (load ${loadAverage()})`,
        );
      } finally {
        await kernel.shutdown();
      }
    }
  }
  const lesson = path.join(
    notebooks,
    context.quick ? "01_client_server_model.ipynb" : memoryLesson,
  );
  const memory = {} as Record<Alternative, { rssMb: number; cpuS: number }>;
  for (const alternative of alternatives) {
    memory[alternative] = await runLesson(alternative, lesson);
    context.log(
      `  ${path.basename(lesson)} ${alternative}: ${formatNumber(memory[alternative].rssMb)} MB, ${formatNumber(memory[alternative].cpuS)} s CPU`,
    );
  }
  loads.push(loadAverage());
  const course = {} as Record<Alternative, number>;
  if (!context.quick) {
    for (const alternative of alternatives) {
      course[alternative] = await courseCoreSeconds(alternative);
      context.log(
        `  the course, ${alternative}: ${formatNumber(course[alternative])} core-seconds`,
      );
    }
    loads.push(loadAverage());
  }

  const m = (a: Alternative, k: keyof CellSamples) => median(samples[a][k]);
  const row = (what: string, unit: string, before: number, after: number): string[] => [
    what,
    `${formatNumber(before)} ${unit}`,
    `${formatNumber(after)} ${unit}`,
    formatRatio(after / before),
  ];
  const rows = [
    row("kernel start to ready", "ms", m("before", "startMs"), m("after", "startMs")),
    row(
      "kernel start to ready, CPU time of the kernel",
      "ms",
      m("before", "startCpuMs"),
      m("after", "startCpuMs"),
    ),
    row(
      "the lesson's first cell, importing the helper",
      "ms",
      m("before", "importMs"),
      m("after", "importMs"),
    ),
    row(
      "a trivial cell, nothing imported (bare tslab)",
      "ms",
      m("before", "bareMs"),
      m("after", "bareMs"),
    ),
    row(
      "the same cell after the helper is imported",
      "ms",
      m("before", "helperMs"),
      m("after", "helperMs"),
    ),
    row(
      "the same cell after the import, against bare tslab's",
      "×",
      m("before", "helperMs") / m("before", "bareMs"),
      m("after", "helperMs") / m("before", "bareMs"),
    ),
    row(
      `memory of a kernel that has run ${path.basename(lesson)}`,
      "MB",
      memory.before.rssMb,
      memory.after.rssMb,
    ),
    row(`CPU time of that kernel`, "s", memory.before.cpuS, memory.after.cpuS),
  ];
  if (!context.quick) {
    rows.push(
      row(
        "the whole course, npm run execute -- --check --jobs 1",
        "core-s",
        course.before,
        course.after,
      ),
    );
  }
  const goalStart = m("after", "startMs");
  return {
    title: "The tslab kernel: the course's launcher vs tslab's own command line",
    method: `Each run starts one kernel per command line in notebooks/, alternating: start to ready, then a trivial cell (\`${trivialCell}\`) before and after the first lesson's import of the helper, medians of ${context.quick ? 3 : 9} cells after 3 unrecorded ones; medians of ${context.runs} runs after a warm-up round. Then one kernel per command line runs every code cell of ${path.basename(lesson)} (resident memory and CPU time at the end)${context.quick ? "" : ", and the whole course runs once per command line (core-seconds: user+system of npm, the runner and every kernel)"}. "before" is \`${commandLines.before
      .slice(1, 2)
      .map((a) => path.relative(projectRoot, a))
      .join(" ")}\`, "after" \`${commandLines.after
      .slice(1, -3)
      .map((a) => (path.isAbsolute(a) ? path.relative(projectRoot, a) : a))
      .join(
        " ",
      )}\`. Load average (1, 5, 15 min): ${loads.map((l, i) => `${l} ${["at the start", "after the lesson", "after the course"][i]}`).join("; ")}.`,
    columns: ["what", "before (tslab)", "after (launcher)", "after / before"],
    rows,
    goals: [
      { goal: "kernel ready in at most 1.5 s", met: goalStart <= 1500 },
      { goal: "kernel start at least 2× faster", met: m("before", "startMs") / goalStart >= 2 },
      {
        goal: "a trivial cell after the helper's import within 1.5× of bare tslab's",
        met: m("after", "helperMs") / m("before", "bareMs") <= 1.5,
      },
      { goal: "at most 150 MB for a kernel that has run a lesson", met: memory.after.rssMb <= 150 },
      {
        goal: "the whole course in at most half the core-seconds",
        met: context.quick ? undefined : course.after <= course.before / 2,
      },
    ],
  };
}

function start(alternative: Alternative): Promise<Kernel> {
  return startKernel({ cwd: notebooks, argv: commandLines[alternative], startTimeout: 180_000 });
}

async function timed(kernel: Kernel, code: string): Promise<number> {
  const started = performance.now();
  const result = await kernel.execute(code);
  const ms = performance.now() - started;
  if (result.status !== "ok") {
    throw new Error(
      `the cell ${JSON.stringify(code)} ended with ${result.status}: ${texts(result.outputs)}`,
    );
  }
  return ms;
}

async function cellTimes(kernel: Kernel, code: string, repeat: number): Promise<number> {
  for (let i = 0; i < 3; i++) await timed(kernel, code);
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) times.push(await timed(kernel, code));
  return median(times);
}

/** Every code cell of the lesson in one kernel; its memory and CPU time at the end. */
async function runLesson(
  alternative: Alternative,
  file: string,
): Promise<{ rssMb: number; cpuS: number }> {
  const { notebook: nb } = await readNotebook(file, { check: "lenient" });
  const kernel = await startKernel({
    cwd: path.dirname(file),
    argv: commandLines[alternative],
    startTimeout: 180_000,
  });
  try {
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      const result = await kernel.execute(joinSource(cell.source), { timeout: 180_000 });
      if (result.status !== "ok") {
        throw new Error(
          `${path.basename(file)} failed in a cell (${result.status}): ${texts(result.outputs)}`,
        );
      }
    }
    await kernel.settle();
    const status = readFileSync(`/proc/${kernel.pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return { rssMb: rssKb / 1024, cpuS: cpuSeconds(kernel.pid) };
  } finally {
    await kernel.shutdown();
  }
}

/** CPU time of `npm run execute -- --check --jobs 1` and everything it starts, in seconds. */
async function courseCoreSeconds(alternative: Alternative): Promise<number> {
  const { stdout } = await promisify(execFile)(
    "bash",
    [
      "-c",
      "npm run -s execute -- --check --jobs 1 >/dev/null 2>&1; status=$?; times; exit $status",
    ],
    {
      cwd: projectRoot,
      maxBuffer: 16 * 2 ** 20,
      env: { ...process.env, SOCKETS_COURSE_PLAIN_TSLAB: alternative === "before" ? "1" : "" },
    },
  );
  // `times`: the shell's own user and system time, then its children's ("0m1.234s 0m0.100s").
  const children = stdout.trim().split("\n").at(-1) ?? "";
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
    (t) => Number(t[1]) * 60 + Number(t[2]),
  );
  return seconds.reduce((a, b) => a + b, 0);
}

/** User+system CPU seconds of a process so far: fields 14 and 15 of /proc/PID/stat, in 1/100 s. */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function texts(outputs: { content: Record<string, unknown> }[]): string {
  return outputs
    .map((o) => String(o.content.text ?? ""))
    .join("")
    .trim()
    .slice(0, 500);
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(", ");
}
