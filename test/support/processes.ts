/** Test support: real peers in other processes. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

/**
 * A Node process that listens on 127.0.0.1 with a backlog of 1 and then blocks its event loop,
 * so it never accepts: once the system's queue is full, further connects get no answer.
 */
export async function unansweringServer(): Promise<{ port: number; child: ChildProcess }> {
  const code = `const s = require("node:net").createServer().listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
    process.stdout.write(s.address().port + "\\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.stdout?.once("data", (d) => resolve(Number(String(d).trim())));
  });
  return { port, child };
}

/** Kills a child process and waits until it has exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

/** A process whose output is collected as it comes, with a way to wait for what it prints. */
export interface Program {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /**
   * Resolves with the `count`th match (default the first) of `pattern` in `stream` (default
   * stdout), once it has been printed; rejects if the process ends first.
   */
  waitFor: (
    pattern: RegExp,
    options?: { stream?: "stdout" | "stderr"; count?: number },
  ) => Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Starts `command` and collects its output; `input`, if given, is written to its stdin, which is
 * then closed.
 *
 * @example
 * const server = startProgram(process.execPath, ["scripts/launch.mjs", "scripts/bin/echo-server.ts"], { cwd: root });
 * const [, port] = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
 */
export function startProgram(
  command: string,
  args: string[],
  options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv },
): Program {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const text = { stdout: "", stderr: "" };
  const waiters: Array<() => void> = [];
  const changed = () => {
    for (const w of waiters.splice(0)) w();
  };
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream].setEncoding("utf8").on("data", (s: string) => {
      text[stream] += s;
      changed();
    });
  }
  const exited = new Promise<number | string>((resolve) => {
    child.on("close", (code, signal) => {
      changed();
      resolve(code ?? signal ?? -1);
    });
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  const waitFor: Program["waitFor"] = async (pattern, { stream = "stdout", count = 1 } = {}) => {
    const every = new RegExp(
      pattern.source,
      pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`,
    );
    for (;;) {
      const matches = [...text[stream].matchAll(every)];
      if (matches.length >= count) return matches[count - 1];
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `the program ended before printing ${pattern} (${count}):\n${text.stdout}\n${text.stderr}`,
        );
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, waitFor, exited };
}

/** What a command printed and how it ended: exit status 0, or the status it failed with. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the project's commands as package.json runs it (`node scripts/launch.mjs
 * scripts/bin/NAME.ts ...args`) to its end, and resolves however it exits.
 */
export function runCommand(root: string, name: string, ...args: string[]): Promise<CommandResult> {
  return promisify(execFile)(
    process.execPath,
    ["scripts/launch.mjs", `scripts/bin/${name}.ts`, ...args],
    { cwd: root, timeout: 60_000 },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error) => ({
      code: error.code as number,
      stdout: error.stdout as string,
      stderr: error.stderr as string,
    }),
  );
}
