import { describe, expect, test } from "vitest";
import type { CheckSpec } from "../../scripts/grade/lesson";
import type { CellRun } from "../../scripts/grade/run";
import { scoreCheckCell } from "../../scripts/grade/verdicts";

const checks: CheckSpec[] = [
  { description: "add adds", name: "add adds", points: 1 },
  { description: "add adds zero", name: "add adds zero", points: 2 },
];
const printed = (text: string, status: CellRun["status"] = "ok", problem?: string): CellRun => ({
  id: "ex1-check",
  status,
  problem,
  outputs: [{ output_type: "stream", name: "stdout", text }],
});
const summary = (verdicts: ReturnType<typeof scoreCheckCell>) =>
  verdicts.map((v) => [v.check.name, v.status, v.points, v.message]);

describe("scoreCheckCell", () => {
  test("takes the n-th verdict line for the n-th check, with its points, reason and hint", () => {
    const verdicts = scoreCheckCell(
      checks,
      printed(
        "PASS add adds\nFAIL add adds zero: add(7, 0) gave 8 — hint: adding 0 changes nothing\n",
      ),
      undefined,
    );
    expect(summary(verdicts)).toEqual([
      ["add adds", "pass", 1, ""],
      ["add adds zero", "fail", 0, "add(7, 0) gave 8 — hint: adding 0 changes nothing"],
    ]);
    expect(verdicts[1].hint).toBe("adding 0 changes nothing");
  });

  test("does not take a PASS line the student's code printed before the real verdict for another check", () => {
    const verdicts = scoreCheckCell(
      checks,
      printed("PASS add adds zero\nFAIL add adds: it gave 4\nPASS add adds zero\n"),
      undefined,
    );
    expect(summary(verdicts)).toEqual([
      ["add adds", "fail", 0, "it gave 4"],
      ["add adds zero", "pass", 2, ""],
    ]);
  });

  test("fails a check whose FAIL line follows a PASS line printed by the code under test", () => {
    // The student's add() prints both PASS lines when the first check calls it; the checks then
    // print their own verdicts.
    const verdicts = scoreCheckCell(
      checks,
      printed(
        "PASS add adds\nPASS add adds zero\nFAIL add adds: add(2, 3) gave -7 — hint: return a + b\nFAIL add adds zero: add(7, 0) gave -7\n",
      ),
      undefined,
    );
    expect(summary(verdicts)).toEqual([
      [
        "add adds",
        "fail",
        0,
        "add(2, 3) gave -7 — hint: return a + b (a PASS line for it came from other code: only the check's own verdict counts)",
      ],
      [
        "add adds zero",
        "fail",
        0,
        "add(7, 0) gave -7 (a PASS line for it came from other code: only the check's own verdict counts)",
      ],
    ]);
    expect(verdicts[0].hint).toBe("return a + b");
  });

  test("gives the checks a cell never printed the status of how the cell ended", () => {
    expect(
      summary(
        scoreCheckCell(
          checks,
          printed("PASS add adds\n", "timeout", "the cell ran out of its 60 s"),
          undefined,
        ),
      ),
    ).toEqual([
      ["add adds", "pass", 1, ""],
      ["add adds zero", "timeout", 0, "the cell ran out of its 60 s"],
    ]);
    expect(
      summary(
        scoreCheckCell(checks, printed("", "error", "1:1 - Cannot find name 'add'."), undefined),
      )[0],
    ).toEqual(["add adds", "error", 0, "the check could not run: 1:1 - Cannot find name 'add'."]);
  });

  test("says why a check was never reached: the run's stop, or the student's cell that did not finish", () => {
    const stop = {
      status: "error" as const,
      reason: "not run: the Jupyter kernel died in cell ex1",
    };
    expect(summary(scoreCheckCell(checks, undefined, stop)).map((v) => v[1])).toEqual([
      "error",
      "error",
    ]);
    const hung: CellRun = {
      id: "ex1",
      status: "timeout",
      outputs: [],
      problem: "the cell ran out of its 60 s",
    };
    expect(
      summary(
        scoreCheckCell(checks, printed("", "error", "Cannot find name 'add'"), undefined, hung),
      )[0],
    ).toEqual([
      "add adds",
      "timeout",
      0,
      "your code (cell ex1) did not finish: the cell ran out of its 60 s",
    ]);
  });
});
