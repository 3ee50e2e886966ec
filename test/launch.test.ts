/**
 * scripts/launch.mjs, which `npm run handouts`, `student-notebooks`, `echo-server` and
 * `echo-client` start through: run as real processes on a small program in a scratch folder.
 */
import { execFile } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeEach, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const launcher = path.join(root, "scripts", "launch.mjs");
const scratch = mkdtempSync(path.join(os.tmpdir(), "launch-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Launched {
  code: number;
  stdout: string;
  stderr: string;
}

async function launch(program: string, args: string[], cacheDir: string): Promise<Launched> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [launcher, program, ...args],
      { cwd: root, env: { ...process.env, LAUNCH_CACHE_DIR: cacheDir }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw err;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** A program of two files, ES modules as in this repository, in a folder of its own. */
function writeProgram(
  name: string,
  greeting = "hello",
): { dir: string; main: string; cache: string } {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, "lib"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(
    path.join(dir, "lib", "greeting.ts"),
    [
      `export const greeting: string = ${JSON.stringify(greeting)};`,
      "export const libDir: string = import.meta.dirname;",
      "export function fail(): never {",
      '  throw new Error("failed on purpose");',
      "}",
      "",
    ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "main.ts"),
    [
      'import { fail, greeting, libDir } from "./lib/greeting";',
      'if (process.argv[2] === "fail") fail();',
      "const report = { greeting, args: process.argv.slice(2), dir: import.meta.dirname, libDir };",
      "console.log(JSON.stringify(report));",
      "process.exitCode = 3;",
      "",
    ].join("\n"),
  );
  return { dir, main: path.join(dir, "main.ts"), cache: path.join(dir, "cache") };
}

function bundles(cache: string): string[] {
  return readdirSync(cache).filter((f) => f.endsWith(".mjs"));
}

describe("node scripts/launch.mjs PROGRAM.ts", () => {
  let count = 0;
  let program: ReturnType<typeof writeProgram>;
  beforeEach(() => {
    count += 1;
    program = writeProgram(`program-${count}`);
  });

  it("runs the program with its arguments and exit status, import.meta meaning each source file", async () => {
    const run = await launch(program.main, ["--port", "0", "two words"], program.cache);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual({
      greeting: "hello",
      args: ["--port", "0", "two words"],
      dir: program.dir,
      libDir: path.join(program.dir, "lib"),
    });
  });

  it("runs an unchanged program from the bundle it made the first time, without rebuilding it", async () => {
    await launch(program.main, [], program.cache);
    const [bundle] = bundles(program.cache);
    const builtAt = statSync(path.join(program.cache, bundle)).mtimeMs;
    const again = await launch(program.main, ["again"], program.cache);
    expect(JSON.parse(again.stdout).args).toEqual(["again"]);
    expect(bundles(program.cache)).toEqual([bundle]);
    expect(statSync(path.join(program.cache, bundle)).mtimeMs).toBe(builtAt);
  });

  it("rebuilds before running when a file the program imports has changed", async () => {
    const first = await launch(program.main, [], program.cache);
    expect(JSON.parse(first.stdout).greeting).toBe("hello");
    writeProgram(path.basename(program.dir), "hello, edited");
    const second = await launch(program.main, [], program.cache);
    expect(JSON.parse(second.stdout).greeting).toBe("hello, edited");
  });

  it("names the TypeScript file and line in a stack trace, not the bundle", async () => {
    const run = await launch(program.main, ["fail"], program.cache);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("failed on purpose");
    expect(run.stderr).toMatch(/lib[/\\]greeting\.ts:4:/);
  });

  it("reports a program that does not compile with its file and line, and exit status 1", async () => {
    writeFileSync(program.main, "const port: number = ;\n");
    const run = await launch(program.main, [], program.cache);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/main\.ts:1:\d+/);
    expect(run.stdout).toBe("");
  });

  it("runs through tsx when the cache cannot be written", async () => {
    const file = path.join(scratch, "not-a-folder");
    writeFileSync(file, "");
    const run = await launch(program.main, ["still"], path.join(file, "cache"));
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).args).toEqual(["still"]);
  });

  it("lets programs started at the same moment with no bundle yet all run, sharing one bundle", async () => {
    const runs = await Promise.all(
      [1, 2, 3, 4].map((n) => launch(program.main, [String(n)], program.cache)),
    );
    expect(runs.map((run) => run.code)).toEqual([3, 3, 3, 3]);
    expect(runs.map((run) => JSON.parse(run.stdout).args[0])).toEqual(["1", "2", "3", "4"]);
    expect(bundles(program.cache)).toHaveLength(1);
    expect(readdirSync(program.cache).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("prints its usage and exits with status 2 when no program is given", async () => {
    const bare = await promisify(execFile)(process.execPath, [launcher]).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("usage: node scripts/launch.mjs scripts/bin/COMMAND.ts");
  });

  it("keeps the manifest naming every source file the bundle was made from", async () => {
    await launch(program.main, [], program.cache);
    const manifest = readdirSync(program.cache).find((f) => f.endsWith(".json")) ?? "";
    const { inputs } = JSON.parse(readFileSync(path.join(program.cache, manifest), "utf8"));
    const files = Object.keys(inputs).map((f) => path.resolve(root, f));
    expect(files.sort()).toEqual(
      [program.main, path.join(program.dir, "lib", "greeting.ts")].sort(),
    );
  });
});
