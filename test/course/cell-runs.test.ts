import { afterEach, describe, expect, test, vi } from "vitest";
import { useCellRuns, watchCellRuns } from "../../src/course/cell-runs";
import { check, DID_NOT_RUN, resetChecks } from "../../src/course/exercise";

/** A kernel's two streams as tslab treats them: a new `write` for each cell it runs. */
function fakeKernel() {
  const stdout = { write: (_text: string) => true };
  const stderr = { write: (_text: string) => true };
  const printed: string[] = [];
  const runs = watchCellRuns(stdout, stderr);
  return {
    runs,
    printed,
    stderr,
    /** What tslab does at the start of each cell: new write functions, then the cell's output. */
    runCell(stderrText?: string) {
      const write = (text: string) => {
        printed.push(text);
        return true;
      };
      stdout.write = write;
      stderr.write = write;
      if (stderrText !== undefined) stderr.write(stderrText);
    },
  };
}

describe("watchCellRuns", () => {
  test("counts one run per write function the kernel assigns", () => {
    const kernel = fakeKernel();
    expect(kernel.runs.count).toBe(1);
    kernel.runCell();
    kernel.runCell();
    expect(kernel.runs.count).toBe(3);
  });

  test("a type error printed by the cell before makes previousFailed true", () => {
    const kernel = fakeKernel();
    kernel.runCell("1:24 - Type 'string' is not assignable to type 'number'.\n");
    expect(kernel.runs.previousFailed()).toBe(false);
    kernel.runCell();
    expect(kernel.runs.previousFailed()).toBe(true);
    kernel.runCell();
    expect(kernel.runs.previousFailed()).toBe(false);
  });

  test("a check run again still looks past itself at the code cell that failed", () => {
    const kernel = fakeKernel();
    kernel.runCell("1:24 - Type 'string' is not assignable to type 'number'.\n");
    kernel.runCell();
    kernel.runs.markCheck();
    kernel.runCell();
    expect(kernel.runs.previousFailed()).toBe(true);
    kernel.runCell();
    expect(kernel.runs.previousFailed()).toBe(false);
  });

  test("an error thrown by the cell before counts as a failure too", () => {
    const kernel = fakeKernel();
    kernel.runCell(
      'evalmachine.<anonymous>:8\nthrow new Error("boom");\n^\n\nError: boom\n    at evalmachine',
    );
    kernel.runCell();
    expect(kernel.runs.previousFailed()).toBe(true);
  });

  test("a background error from an earlier cell is not the cell's failure", () => {
    const kernel = fakeKernel();
    kernel.runCell("UnhandledPromiseRejection: Error: read ECONNRESET\n    at ...");
    kernel.runCell();
    expect(kernel.runs.previousFailed()).toBe(false);
  });

  test("a name the failed cell never defined gets a line saying that cell did not run", () => {
    const kernel = fakeKernel();
    kernel.runCell("1:24 - Type 'string' is not assignable to type 'number'.\n");
    kernel.printed.length = 0;
    kernel.runCell("1:1 - Cannot find name 'parsePort'.\n");
    expect(kernel.printed).toEqual([
      "1:1 - Cannot find name 'parsePort'.\n",
      "(parsePort does not exist: your code cell above did not run: look at its error)\n",
    ]);
  });

  test("a name that is simply unknown gets no such line", () => {
    const kernel = fakeKernel();
    kernel.runCell();
    kernel.runCell("1:1 - Cannot find name 'parsPort'.\n");
    expect(kernel.printed).toEqual(["1:1 - Cannot find name 'parsPort'.\n"]);
  });

  test("text written to stderr still reaches the kernel's own write", () => {
    const kernel = fakeKernel();
    kernel.runCell("1:1 - Cannot find name 'x'.\n");
    expect(kernel.printed).toEqual(["1:1 - Cannot find name 'x'.\n"]);
  });
});

describe("check after a cell that did not run", () => {
  afterEach(() => {
    useCellRuns(undefined);
    vi.restoreAllMocks();
    resetChecks();
  });
  const printedBy = async (work: () => Promise<void>) => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      lines.push(args.join(" "));
    });
    await work();
    return lines;
  };

  test("says that the code cell above did not run, without running the test or the hint", async () => {
    const kernel = fakeKernel();
    useCellRuns(kernel.runs);
    kernel.runCell("1:24 - Type 'string' is not assignable to type 'number'.\n");
    kernel.runCell();
    let ran = false;
    const lines = await printedBy(() =>
      check(
        "parsePort reads 80",
        () => {
          ran = true;
        },
        "use Number(text)",
      ),
    );
    expect(ran).toBe(false);
    expect(lines).toEqual([`FAIL parsePort reads 80: ${DID_NOT_RUN}`]);
  });

  test("an exercise not done yet still says so, with its hint", async () => {
    const kernel = fakeKernel();
    useCellRuns(kernel.runs);
    kernel.runCell();
    kernel.runCell();
    const lines = await printedBy(() =>
      check(
        "parsePort reads 80",
        () => {
          throw new Error("Exercise not done yet: write your code above");
        },
        "use Number(text)",
      ),
    );
    expect(lines).toEqual([
      "FAIL parsePort reads 80: Exercise not done yet: write your code above — hint: use Number(text)",
    ]);
  });

  test("a name that exists only for the type checker is reported as a cell that did not run", async () => {
    const lines = await printedBy(() =>
      check("parsePort reads 80", () => {
        throw new ReferenceError("parsePort is not defined");
      }),
    );
    expect(lines).toEqual([`FAIL parsePort reads 80: parsePort is not defined: ${DID_NOT_RUN}`]);
  });
});
