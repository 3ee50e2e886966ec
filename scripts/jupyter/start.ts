/**
 * Starts a Jupyter server on the course: bound to 127.0.0.1, the lessons' folder open, and the
 * project-local tslab kernelspec found through JUPYTER_PATH (the user's own Jupyter set-up is
 * left alone).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import getPort from "get-port";

import type { JupyterInstall } from "./find-jupyter";
import { localJupyterPath, projectRoot, writeKernelspec } from "./kernelspec";
import { descendantPids, isAlive, killAll } from "./process-tree";

/**
 * How `npm start` runs Jupyter: which one, on which folder and port, and whether to open a browser.
 */
export interface StartJupyterOptions {
  /** The Jupyter to run (from findJupyter()). */
  jupyter: JupyterInstall;
  /** The folder the server shows; default notebooks/. Kernels start in the notebook's folder. */
  notebookDir?: string;
  /** Port on 127.0.0.1; default 8888 when free, else any free port. 0 means any free port. */
  port?: number;
  /** Login token; default a fresh random one. */
  token?: string;
  /** Let Jupyter open a browser tab; default false. */
  open?: boolean;
  /**
   * Where the project-local kernelspec is written (a JUPYTER_PATH entry); default .jupyter-local/.
   */
  jupyterPath?: string;
  /** The project whose node_modules/tslab the kernel runs; default this one. */
  root?: string;
  /** Extra environment for the server (tests isolate JUPYTER_CONFIG_DIR and friends). */
  env?: NodeJS.ProcessEnv;
  /**
   * "inherit" shows Jupyter's log in this terminal (line by line, without Jupyter's Ctrl-C
   * advice, see {@link isJupyterCtrlCAdvice}); "pipe" only collects it. Both keep it in `log()`.
   */
  output?: "inherit" | "pipe";
  /** Where "inherit" shows the log; default this process's stdout and stderr (tests capture it). */
  terminal?: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /**
   * How long to wait for the server to answer; default 120 s (Python starts slowly on a busy
   * machine).
   */
  readyTimeoutMs?: number;
}

/** A Jupyter server this process started. */
export interface RunningJupyter {
  /** The address to open, login token included. */
  url: string;
  /** The server's base address, no token: for the REST API. */
  baseUrl: string;
  port: number;
  token: string;
  notebookDir: string;
  process: ChildProcess;
  /** Settles with the exit code (or the signal's name) once the server has exited. */
  exited: Promise<number | string>;
  /** Everything the server printed so far, stdout and stderr, as it printed it. */
  log(): string;
  /**
   * Stops the server and every kernel it started: SIGTERM (Jupyter then shuts its kernels down),
   * SIGKILL after `graceMs`, and SIGKILL to any kernel still alive. Safe to call twice.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Whether a line of Jupyter's log is its advice "Use Control-C to stop this server and shut down
 * all kernels (twice to skip confirmation)", which is wrong under `npm start`: one Ctrl-C stops the
 * server and its kernels, with no question asked (the server's stdin is not a terminal).
 * `npm start` prints its own line about Ctrl-C instead.
 */
export function isJupyterCtrlCAdvice(line: string): boolean {
  return /\bUse Control-C to stop this server\b/.test(line);
}

/** The port Jupyter users expect. */
export const defaultPort = 8888;

/**
 * Writes the kernelspec and starts the server; resolves once its REST API answers.
 */
export async function startJupyter(options: StartJupyterOptions): Promise<RunningJupyter> {
  const root = options.root ?? projectRoot;
  const notebookDir = path.resolve(options.notebookDir ?? path.join(root, "notebooks"));
  const jupyterPath = options.jupyterPath ?? localJupyterPath;
  writeKernelspec(jupyterPath, root);

  const port = await choosePort(options.port);
  const token = options.token ?? randomBytes(24).toString("hex");
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    // First on JUPYTER_PATH, so this project's "tslab" wins over any global one of that name.
    JUPYTER_PATH: [jupyterPath, options.env?.JUPYTER_PATH ?? process.env.JUPYTER_PATH]
      .filter((p) => p)
      .join(path.delimiter),
    // Through the environment, not argv: other users of a shared machine can read argv in `ps`.
    JUPYTER_TOKEN: token,
    // Silences debugpy's "frozen modules" warning that Python 3.11 prints at every start.
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
  const args = [
    "--ip=127.0.0.1",
    `--port=${port}`,
    // Fail rather than drift to another port, which would make the printed URL wrong.
    "--port-retries=0",
  ];
  if (!options.open) args.push("--no-browser");
  // Jupyter refuses to run as root without this; containers and CI machines often are root.
  if (process.getuid?.() === 0) args.push("--allow-root");

  const child = spawn(options.jupyter.command, args, {
    cwd: notebookDir,
    env,
    // stdin not a terminal: Jupyter then stops at the first signal instead of asking "y/n?".
    // Its output comes through us, to keep it in log() and to show it without the Ctrl-C advice.
    stdio: ["ignore", "pipe", "pipe"],
    // A process group of its own, so a Ctrl-C in the terminal reaches only us and Jupyter gets
    // exactly one signal, from stop(): a second signal during its shutdown aborts the shutdown
    // of its kernels half-way.
    detached: process.platform !== "win32",
    windowsHide: true,
  });
  let log = "";
  const terminal = options.terminal ?? process;
  for (const [from, to] of [
    [child.stdout, terminal.stdout],
    [child.stderr, terminal.stderr],
  ] as const) {
    if (from === null) continue;
    const lines = createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => {
      log += `${line}\n`;
      if (options.output !== "pipe" && !isJupyterCtrlCAdvice(line)) to.write(`${line}\n`);
    });
  }
  // Detached, the server would outlive a crash of this process: take it along.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.once("error", (error) => resolve(error.message));
  }).finally(() => process.off("exit", killOnExit));

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000): Promise<void> => {
    stopping ??= stopServer(child, exited, graceMs);
    return stopping;
  };
  const running: RunningJupyter = {
    url: `${baseUrl}/?token=${token}`,
    baseUrl,
    port,
    token,
    notebookDir,
    process: child,
    exited,
    log: () => log,
    stop,
  };

  try {
    await waitUntilAnswering(running, options.readyTimeoutMs ?? 120_000);
  } catch (error) {
    await stop(2_000);
    throw error;
  }
  return running;
}

async function stopServer(
  child: ChildProcess,
  exited: Promise<number | string>,
  graceMs: number,
): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  // Taken before the server goes: once it has exited, its orphaned kernels have another parent.
  const kernels = descendantPids(pid);
  if (child.exitCode === null && child.signalCode === null) {
    // SIGTERM, not SIGINT: Jupyter stops at once on it, and a second one does no harm.
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
  killAll(kernels.filter(isAlive));
}

/** Polls the REST API until it answers, the server exits, or time runs out. */
async function waitUntilAnswering(running: RunningJupyter, timeoutMs: number): Promise<void> {
  let exitedWith: number | string | undefined;
  void running.exited.then((code) => {
    exitedWith = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) {
      throw new Error(
        `Jupyter exited (${exitedWith}) before it answered on ${running.baseUrl}` +
          (running.log() ? `; it said:\n${running.log()}` : ": see its messages above"),
      );
    }
    try {
      const response = await fetch(`${running.baseUrl}/api/status`, {
        headers: { Authorization: `token ${running.token}` },
      });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`Jupyter did not answer on ${running.baseUrl} within ${timeoutMs / 1000} s`);
}

/** The requested port, or 8888 when free, or any free loopback port. */
async function choosePort(requested: number | undefined): Promise<number> {
  const host = "127.0.0.1";
  if (requested !== undefined && requested !== 0) {
    if ((await getPort({ port: requested, host })) === requested) return requested;
    throw new Error(
      `Port ${requested} on 127.0.0.1 is taken (another Jupyter?): pick another with --port, or leave --port out.`,
    );
  }
  // get-port gives the preferred port when it is free, else any free one.
  return getPort({ port: requested === undefined ? defaultPort : [], host });
}
