import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { parseExecuteArgs } from "../../scripts/bin/execute";
import { UsageError } from "../../scripts/cli/usage-error";

const root = path.join(import.meta.dirname, "..", "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const passing = "test/fixtures/notebooks/passing.ipynb";
const throws = "test/fixtures/notebooks/throws.ipynb";

async function execute(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, ["scripts/bin/execute.ts", ...args], {
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

test("parseExecuteArgs reads the options and the notebooks, with a 60 s cell timeout by default", () => {
  expect(parseExecuteArgs(["a.ipynb"])).toEqual({
    notebooks: ["a.ipynb"],
    timeout: 60_000,
    jobs: undefined,
    check: false,
  });
  expect(parseExecuteArgs(["--check", "--timeout", "2.5", "--jobs", "3"])).toEqual({
    notebooks: [],
    timeout: 2_500,
    jobs: 3,
    check: true,
  });
});

test("parseExecuteArgs rejects an unknown option or a bad number with the usage", () => {
  expect(() => parseExecuteArgs(["--jobs", "0"])).toThrow(UsageError);
  expect(() => parseExecuteArgs(["--jobs", "two"])).toThrow(
    '--jobs takes a positive whole number, not "two"',
  );
  expect(() => parseExecuteArgs(["--fast"])).toThrow(/usage: npm run execute/);
});

test("npm run execute exits 2 for a file that is not a notebook, before starting any kernel", async () => {
  const { code, stdout, stderr } = await execute("--check", passing, "package.json");
  expect(code).toBe(2);
  expect(stderr).toContain(
    "package.json is not a Jupyter notebook: the name does not end in .ipynb",
  );
  expect(stdout).not.toContain(passing);
});

test("npm run execute exits 1 naming the failed notebook and cell, and reports the others", async () => {
  const { code, stdout, stderr } = await execute("--check", "--jobs", "2", passing, throws);
  expect(code).toBe(1);
  expect(stdout).toContain(`ok      ${passing}  checked, 5 cells`);
  expect(stderr).toContain(`FAILED  ${throws}  (left as it was)`);
  expect(stderr).toContain(`${throws}, cell 2 (id "throws"): the cell failed`);
  expect(stderr).toContain("Error: boom: the fixture throws on purpose (42)");
  expect(stderr).toContain(`1 of 2 notebook(s) failed`);
}, 180_000);
