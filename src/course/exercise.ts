/**
 * Exercise checks for the notebooks: a check cell runs the student's code for real and prints one
 * line per check, `PASS ...` or `FAIL ...: what went wrong — hint: ...`.
 *
 * This is the one module of the helper that prints, on purpose: its output is the verdict a
 * student reads under a check cell, and the line format (starting with PASS or FAIL) is what
 * `npm run execute` looks for. A check never throws, so one failing check does not hide the
 * verdicts of the checks after it, and the notebook keeps running.
 */
import { cellRuns } from "./cell-runs";

/** The verdict of one {@link check}. */
export interface CheckResult {
  /** What was checked, as printed after PASS / FAIL. */
  description: string;
  passed: boolean;
  /** Why it failed: the message of what the check threw, or a note that it returned false. */
  reason?: string;
  /** What to look at when it failed. */
  hint?: string;
}

/** Options of {@link check}. */
export interface CheckOptions {
  /**
   * Milliseconds the check may take before it counts as failed, before {@link timeLimit} scales
   * them: a student's server that never answers must not hang the notebook. The limit is there to
   * stop a hang, never to measure speed, so it is far above what a right solution needs.
   * @default 30000
   */
  timeout?: number;
}

/** The tally that {@link summary} reports. */
export interface CheckSummary {
  passed: number;
  failed: number;
  /** The checks that failed since the last reset, in order. */
  failures: CheckResult[];
}

const DEFAULT_TIMEOUT = 30_000;

/**
 * What a check says when the cell run just before it failed (a type error, a throw): the code it
 * would test is not the student's new code, so it does not run the test at all.
 */
export const DID_NOT_RUN = "your code cell above did not run: look at its error";

// Start watching the Jupyter kernel's cell runs when a notebook imports the helper (nothing outside tslab).
cellRuns();

/** The environment variable that multiplies every time limit of the checks, e.g. `3`. */
export const TIME_SCALE_VARIABLE = "SOCKETS_COURSE_TIME_SCALE";

/**
 * A check's time limit in milliseconds on this machine: `ms` times the factor in the environment
 * variable `SOCKETS_COURSE_TIME_SCALE` (default 1). A machine known to be loaded (a classroom
 * test, the grader, a crowded hub) sets it, so that a right solution never fails for being slow.
 * Check cells pass their recv/accept timeouts through it too.
 *
 * @example
 * const [connection] = await listener.accept({ timeout: timeLimit(10_000) });
 */
export function timeLimit(ms: number): number {
  const factor = Number(globalThis.process?.env?.[TIME_SCALE_VARIABLE] ?? "1");
  return Number.isFinite(factor) && factor > 0 ? ms * factor : ms;
}

// Module state, like the Jupyter kernel's: one tally per notebook's kernel.
let results: CheckResult[] = [];

/**
 * Runs one check and prints `PASS description` or `FAIL description: reason — hint: hint`.
 * The check fails when `test` throws, rejects, returns `false` or takes longer than
 * `options.timeout` ms; anything else passes. In a tslab kernel, when the last cell run before
 * this one that was not a check failed (the student's code cell did not compile or threw), it
 * does not run `test` and prints
 * `FAIL description: your code cell above did not run: look at its error` ({@link DID_NOT_RUN}). Never rejects, and resolves with nothing, so that a
 * cell ending with `await check(...)` shows only the verdict line ({@link checkResults} has the
 * tally).
 *
 * @example
 * await check("parsePort rejects 65536", () => {
 *   if (parsePort("65536") !== undefined) throw new Error("it returned a port");
 * }, "ports are 16-bit numbers: 0 to 65535");
 *
 * @example
 * await check("the server answers HELLO", async () => {
 *   const reply = await echoOnce(["127.0.0.1", server.localPort], "hello");
 *   if (reply !== "HELLO") throw new Error(`it answered ${JSON.stringify(reply)}`);
 * }, "send back data.toString().toUpperCase() encoded", { timeout: 3000 });
 */
export async function check(
  description: string,
  test: () => unknown,
  hint?: string,
  options: CheckOptions = {},
): Promise<void> {
  const timeout = timeLimit(options.timeout ?? DEFAULT_TIMEOUT);
  let reason: string | undefined;
  const runs = cellRuns();
  runs?.markCheck();
  const didNotRun = runs?.previousFailed() === true;
  if (didNotRun) {
    reason = DID_NOT_RUN;
  } else {
    try {
      const outcome = await withTimeout(Promise.resolve().then(test), timeout);
      if (outcome === false) reason = "the check returned false";
    } catch (err) {
      reason = reasonOf(err);
    }
  }
  const result: CheckResult = { description, passed: reason === undefined };
  if (reason !== undefined) {
    result.reason = reason;
    // The hint is about the exercise; what to do now is read the cell's error.
    if (hint && !didNotRun) result.hint = hint;
  }
  results.push(result);
  console.log(formatResult(result));
}

/**
 * The line {@link check} prints for a result.
 *
 * @example
 * formatResult({ description: "echo", passed: false, reason: "no reply", hint: "call send" });
 * // "FAIL echo: no reply — hint: call send"
 */
export function formatResult(result: CheckResult): string {
  if (result.passed) return `PASS ${result.description}`;
  const hint = result.hint ? ` — hint: ${result.hint}` : "";
  return `FAIL ${result.description}: ${result.reason ?? "failed"}${hint}`;
}

/**
 * Prints one line with how many checks passed since the Jupyter kernel started (or since
 * {@link resetChecks}), such as "3 of 3 checks passed" or "2 of 3 checks passed (1 failed)".
 *
 * @example
 * summary(); // prints "3 of 3 checks passed"
 */
export function summary(): void {
  const { passed, failed } = checkResults();
  const failedNote = failed > 0 ? ` (${failed} failed)` : "";
  console.log(`${passed} of ${passed + failed} checks passed${failedNote}`);
}

/**
 * The tally of the checks run since the Jupyter kernel started (or since {@link resetChecks}).
 *
 * @example
 * checkResults().failed; // 0 when every check passed
 */
export function checkResults(): CheckSummary {
  const failures = results.filter((r) => !r.passed);
  return { passed: results.length - failures.length, failed: failures.length, failures };
}

/**
 * Forgets the checks run so far, so that {@link summary} counts from here.
 *
 * @example
 * resetChecks();
 */
export function resetChecks(): void {
  results = [];
}

function reasonOf(err: unknown): string {
  // A name the check calls exists for the type checker but not at run time.
  if (err instanceof ReferenceError) return `${err.message}: ${DID_NOT_RUN}`;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    // Our own errors already start with what went wrong; Node's codes help a student search.
    const prefix = typeof code === "string" && !err.message.includes(code) ? `${code}: ` : "";
    return `${prefix}${err.message}`;
  }
  return String(err);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const started = performance.now();
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const took = ((performance.now() - started) / 1000).toFixed(1);
      reject(
        new Error(
          `the check's time limit of ${ms / 1000} s ran out (it had run ${took} s): does something wait forever?`,
        ),
      );
    }, ms);
  });
  // The student's work may still reject after the timeout: keep that from becoming unhandled.
  work.catch(() => undefined);
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
