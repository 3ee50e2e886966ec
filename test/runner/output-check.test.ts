import { expect, test } from "vitest";
import type { Output } from "../../scripts/notebook";
import { outputProblems } from "../../scripts/runner/output-check";

const stdout = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
const stderr = (text: string): Output => ({ output_type: "stream", name: "stderr", text });

test("outputProblems finds tslab's report of an error thrown in the background", () => {
  expect(outputProblems([stderr("UncaughtException: Error: late\n    at Timeout\n")])).toEqual([
    { kind: "background", line: "UncaughtException: Error: late" },
  ]);
  expect(outputProblems([stderr("UnhandledPromiseRejection: Error: no\n")])[0].kind).toBe(
    "background",
  );
});

test("outputProblems finds every FAIL line of a check, even in colour, and ignores PASS lines", () => {
  const text = "PASS connects\n\u001b[31mFAIL echo: got nothing\u001b[0m\nFAIL close: still open\n";
  expect(outputProblems([stdout(text)])).toEqual([
    { kind: "check", line: "FAIL echo: got nothing" },
    { kind: "check", line: "FAIL close: still open" },
  ]);
});

test("outputProblems counts an error report on stderr but not the same text shown on stdout", () => {
  const report = "Error: connect ECONNREFUSED 127.0.0.1:1\n";
  expect(outputProblems([stderr(report)])).toEqual([
    { kind: "error", line: "Error: connect ECONNREFUSED 127.0.0.1:1" },
  ]);
  expect(outputProblems([stderr("TypeError [ERR_X]: bad\n")])).toHaveLength(1);
  expect(outputProblems([stdout(report), stderr("a warning\n")])).toEqual([]);
});

test("outputProblems reads text stored as a list of lines and Jupyter error outputs", () => {
  expect(outputProblems([stdout(["PASS a\n", "FAIL b\n"] as unknown as string)])).toHaveLength(1);
  const error: Output = { output_type: "error", ename: "Error", evalue: "boom", traceback: [] };
  expect(outputProblems([error])).toEqual([{ kind: "error", line: "Error: boom" }]);
});
