/**
 * Every exercise check proven: for each notebook with wrong-solution fixtures
 * (test/fixtures/wrong-solutions/<notebook>/<solution cell id>/<mistake>.ts), the notebook runs in
 * the real tslab kernel, the reference solution's check prints only PASS lines, and each wrong
 * solution put in the solution cell makes its check print at least one FAIL line.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  describeRun,
  type ExerciseRun,
  failsOnPurpose,
  type NotebookProof,
  proveNotebook,
  readFixtures,
} from "./support/wrong-solutions";

const notebooksFolder = path.resolve(import.meta.dirname, "../notebooks");
const notebookFile = (notebook: string) => path.join(notebooksFolder, `${notebook}.ipynb`);

// WRONG_SOLUTIONS_ONLY=04_client_side,10_byte_stream: only those lessons.
const only = process.env.WRONG_SOLUTIONS_ONLY?.split(",")
  .map((name) => name.trim().replace(/\.ipynb$/, ""))
  .filter(Boolean);
const selected = [...(await readFixtures())].filter(
  ([notebook]) => !only || only.includes(notebook),
);
// Notebooks proven at once, one kernel each (as `npm run execute`): the next one starts while the
// tests of this one are read.
const jobs = Math.max(1, Number(process.env.WRONG_SOLUTIONS_JOBS ?? "2") || 1);
const proofs = new Map<string, Promise<NotebookProof | undefined>>();
const proofOf = (index: number): Promise<NotebookProof | undefined> => {
  const [notebook, notebookFixtures] = selected[index];
  let proof = proofs.get(notebook);
  if (proof === undefined) {
    const file = notebookFile(notebook);
    proof = existsSync(file) ? proveNotebook(file, notebookFixtures) : Promise.resolve(undefined);
    proof.catch(() => {}); // reported by the beforeAll that awaits it
    proofs.set(notebook, proof);
  }
  return proof;
};

// A notebook's run: kernel start, its cells once, about 3 s per fixture (more for one that hangs
// until the check's limit), on a busy machine, sharing it with the other jobs.
const hookTimeout = (count: number) => (180_000 + count * 40_000) * jobs;

if (only && selected.length === 0) {
  test("WRONG_SOLUTIONS_ONLY names lessons that have wrong-solution fixtures", () => {
    throw new Error(`no fixtures for ${only.join(", ")} in test/fixtures/wrong-solutions/`);
  });
}

describe.each(
  selected.map(
    ([notebook, notebookFixtures], index) => [notebook, notebookFixtures, index] as const,
  ),
)("%s", (notebook, notebookFixtures, index) => {
  const file = notebookFile(notebook);
  let proof: NotebookProof | undefined;
  beforeAll(async () => {
    for (let next = index + 1; next < Math.min(selected.length, index + jobs); next++)
      proofOf(next);
    proof = await proofOf(index);
  }, hookTimeout(notebookFixtures.length));

  afterAll(() => {
    if (proof === undefined) return;
    const slowest = [...proof.variants].sort(([, a], [, b]) => b.check.ms - a.check.ms)[0];
    console.log(
      `${notebook}: ${notebookFixtures.length} wrong solutions in ${(proof.totalMs / 1000).toFixed(1)} s (kernel start ${(proof.kernelStartMs / 1000).toFixed(1)} s${slowest ? `, slowest check ${(slowest[1].check.ms / 1000).toFixed(1)} s: ${path.basename(slowest[0])}` : ""})`,
    );
  });

  const ran = (): NotebookProof => {
    if (!existsSync(file)) {
      throw new Error(
        `test/fixtures/wrong-solutions/${notebook}/ names no notebook: there is no notebooks/${notebook}.ipynb`,
      );
    }
    if (proof === undefined) throw new Error("the notebook did not run (see the hook's error)");
    if (proof.failure) throw new Error(`${notebook}: ${proof.failure}`);
    return proof;
  };

  const cellIds = [...new Set(notebookFixtures.map((f) => f.cellId))];
  test.each(cellIds)("the reference solution of %s passes every check", (cellId) => {
    const result = ran();
    if (result.unknownCells.some((f) => f.cellId === cellId)) {
      throw new Error(
        `${notebook} has no solution cell "${cellId}" followed by a check cell, but these fixtures name it:\n${result.unknownCells
          .filter((f) => f.cellId === cellId)
          .map((f) => `  ${f.file}`)
          .join("\n")}`,
      );
    }
    const reference = result.references.get(cellId);
    if (reference === undefined) throw new Error(`${cellId} was never reached`);
    const problem =
      reference.solution.status !== "ok"
        ? "the reference solution cell failed"
        : reference.check.status !== "ok"
          ? "the check cell failed"
          : reference.failLines.length > 0
            ? "its check printed FAIL"
            : reference.passLines.length === 0
              ? "its check printed no PASS line"
              : undefined;
    if (problem) throw new Error(`${notebook} ${cellId}: ${problem}\n${describeRun(reference)}`);
  });

  test.each(cellIds)(
    "the check of %s says that an exercise not started is not done yet",
    (cellId) => {
      const placeholder = ran().placeholders.get(cellId);
      if (placeholder === undefined) return; // an unknown cell id: reported by the test above
      const problem =
        placeholder.solution.status !== "ok"
          ? "the student edition's solution cell failed"
          : !placeholder.failLines.some((line) => line.includes("not done yet"))
            ? 'no FAIL line says "not done yet"'
            : placeholder.failLines.some((line) => line.includes("did not run"))
              ? 'a FAIL line says the cell "did not run", which it did'
              : undefined;
      if (problem)
        throw new Error(`${notebook} ${cellId}: ${problem}\n${describeRun(placeholder)}`);
    },
  );

  test.each(notebookFixtures.map((f) => [`${f.cellId}/${f.mistake}`, f] as const))(
    "the check fails the wrong solution %s",
    (_, fixture) => {
      const result = ran();
      if (result.unknownCells.includes(fixture)) {
        throw new Error(
          `${fixture.file}: ${notebook} has no solution cell "${fixture.cellId}" followed by a check cell`,
        );
      }
      const run = result.variants.get(fixture.file) as ExerciseRun;
      expect(
        fixture.source.split("\n")[0],
        `${fixture.file} must start with a // comment naming the mistake`,
      ).toMatch(/^\/\/ \S/);
      const explain = (why: string) => `${fixture.file}: ${why}\n${describeRun(run)}`;
      if (failsOnPurpose(fixture)) {
        if (run.solution.status === "ok")
          throw new Error(explain("the cell was meant to fail, and it ran"));
        if (!run.failLines.some((line) => line.includes("did not run"))) {
          throw new Error(explain("its check did not say that the code cell did not run"));
        }
        return;
      }
      if (run.solution.status !== "ok") {
        throw new Error(
          explain(
            "the wrong solution itself failed to run (name it does-not-compile-... or cell-throws-... if that is the mistake)",
          ),
        );
      }
      if (run.check.status !== "ok")
        throw new Error(explain("the check cell failed instead of printing FAIL"));
      if (run.failLines.length === 0)
        throw new Error(
          explain("its check printed no FAIL line: the check lets this mistake pass"),
        );
    },
  );
});
