/**
 * A tslab kernel process, driven the way Jupyter drives it: over ZeroMQ, a dealer socket on the
 * kernel's shell port for requests and replies, a subscriber on its iopub port for everything the
 * code prints or displays. This module is the kernel's interface and puts the roles together:
 *
 * kernel-process.ts  the process: spawn, its own output, its end
 * channels.ts        the two sockets and their receive loops
 * requests.ts        request matching: replies, outputs, idle, strays
 * readiness.ts       when a kernel is ready (a reply and a first iopub message)
 * shutdown.ts        shutdown_request, then a kill after a grace period
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { kernelArgv, projectRoot } from "../jupyter/kernelspec";
import { openChannels } from "./channels";
import { freePorts, type Transport, writeConnectionFile } from "./connection";
import { KernelError, KernelPortTakenError, spawnKernelProcess } from "./kernel-process";
import type { Message } from "./messaging";
import { type KernelInfo, waitUntilReady } from "./readiness";
import { createRequests, type StrayMessage } from "./requests";
import { shutdownOnce } from "./shutdown";

export { KernelError, KernelPortTakenError } from "./kernel-process";
export type { KernelInfo } from "./readiness";
export type { StrayMessage } from "./requests";

/** The kernel Jupyter would start for a notebook whose kernelspec is "tslab". */
export const tslabCommand = path.join(projectRoot, "node_modules", ".bin", "tslab");

/**
 * The command line of the kernels {@link startKernel} starts when no `command` is given: the
 * kernelspec's ({@link kernelArgv}), or tslab's own with SOCKETS_COURSE_PLAIN_TSLAB=1.
 */
export function defaultKernelArgv(env: NodeJS.ProcessEnv = process.env): string[] {
  return kernelArgv({ plain: env.SOCKETS_COURSE_PLAIN_TSLAB === "1" });
}

/** Options for {@link startKernel}. */
export interface KernelOptions {
  /**
   * The kernel's working directory: the notebook's folder, as Jupyter does. tslab also takes it as
   * the rootDir of everything it compiles, so `./src/...` imports resolve from there.
   */
  cwd: string;
  /**
   * How long the kernel may take to answer its first request, in ms. Default 60 000: a start
   * takes about 2 s of CPU, far longer when several kernels start at once on two cores.
   */
  startTimeout?: number;
  /**
   * The kernel program, run as `command kernel --config-path FILE`. Default: the kernelspec's
   * command line, {@link defaultKernelArgv}.
   */
  command?: string;
  /**
   * The kernel's whole command line, `{connection_file}` where the connection file goes; e.g. the
   * kernelspec's behind `unshare` and with a memory limit (the grader). Default
   * {@link defaultKernelArgv}.
   */
  argv?: readonly string[];
  /** Variables added to this process's environment for the kernel. */
  env?: Readonly<Record<string, string>>;
  /**
   * How the kernel's sockets are reached (connection.ts). Default {@link defaultTransport}: "ipc"
   * (Unix sockets in the connection file's private folder), so that kernels started at once
   * never meet on a port.
   */
  transport?: Transport;
  /**
   * The most output, in bytes of message content, kept for one request and for the output of
   * finished requests together (see {@link Kernel.settle}); the rest is counted in `dropped` and
   * let go, so that code printing without end cannot fill this process's memory. Default: no limit.
   */
  maxOutputBytes?: number;
  /**
   * With transport "tcp": how the kernel's five loopback ports are chosen; default
   * {@link freePorts}, the operating system's free ones. Tests pass a port that is taken, to see
   * the start retried.
   */
  choosePorts?: (count: number) => Promise<number[]>;
}

/**
 * The transport a kernel is started with when none is asked for: "ipc" wherever ZeroMQ has it
 * (not on Windows). Over "tcp", ports are free when chosen, but a kernel started at the same time
 * (or a lesson's port-0 socket in one) can bind one first; the kernel that loses then fails, and
 * worse, its runner's requests reach the other kernel, which reports "invalid hmac" as an
 * unhandled rejection in whatever cell it is running (seen once in a CI run of 8 students on
 * 2 cores, in lesson 13). A socket file in a private folder cannot be taken by anyone else.
 */
export const defaultTransport: Transport = process.platform === "win32" ? "tcp" : "ipc";

/**
 * Over "tcp": starts tried before giving up when the kernel finds one of its ports taken. Ports are free when
 * chosen, but another program can bind one before the kernel does: a lesson asking for port 0 in
 * a kernel beside this one gets its port from the same pool. With a class of kernels starting at
 * once on one machine it happened once in 80 starts.
 */
export const maxStartAttempts = 3;

/** Options for {@link Kernel.execute}. */
export interface ExecuteOptions {
  /** How long the code may run before the execute_reply, in ms. Default 60 000. */
  timeout?: number;
  /**
   * How long to wait, after the reply, for the kernel's "idle" status on iopub, in ms of silence
   * (any output of the cell restarts the wait). Default 5 000. Every output of a request is published before its idle, so a missing idle means the
   * kernel dropped messages (tslab does after about 500 in a burst): the output was cut off.
   */
  idleTimeout?: number;
}

/** What one execute_request produced. */
export interface ExecuteResult {
  /**
   * The execute_reply status; "timeout" when no reply came within the timeout. tslab answers
   * "error" for a throw, a rejected await or a type error, with the text on stderr only.
   */
  status: "ok" | "error" | "abort" | "timeout";
  /**
   * The request's output messages in order (stream, display_data, ...), status messages left out.
   */
  outputs: Message[];
  /** False when the idle status never came after the reply: outputs may be missing. */
  idle: boolean;
  /** The execute_request's msg_id: stray messages (see {@link Kernel.settle}) point back to it. */
  requestId: string;
  /** Output messages let go past `maxOutputBytes` (they arrived, but are not in `outputs`). */
  dropped: number;
}

/** A running kernel. */
export interface Kernel {
  /** The kernel's kernel_info_reply content (language_info goes into the notebook's metadata). */
  readonly info: KernelInfo;
  /**
   * Milliseconds from spawning the process to the kernel's first reply and first iopub message,
   * every attempt included.
   */
  readonly startMs: number;
  /** How many starts it took: 1, or more when another program took a port first. */
  readonly startAttempts: number;
  /** The kernel's process id. */
  readonly pid: number | undefined;
  /** Runs code as one cell. Rejects with {@link KernelError} if the process dies meanwhile. */
  execute(code: string, options?: ExecuteOptions): Promise<ExecuteResult>;
  /**
   * Interrupts the running cell as Jupyter's "Interrupt" does (SIGINT to the kernel process):
   * tslab stops a synchronous loop or rejects the awaited promise, and the cell ends with "error".
   */
  interrupt(): void;
  /**
   * Waits until every message the kernel published so far has arrived (one kernel_info round
   * trip: iopub is ordered, so its idle comes after them), then returns the stray messages:
   * output of requests that were already finished, e.g. a timer that threw after its cell ended.
   */
  settle(timeout?: number): Promise<StrayMessage[]>;
  /**
   * Asks the kernel to shut down, kills it after `graceMs` (default 1 000), cleans up. Idempotent.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/**
 * Spawns `tslab kernel --config-path <file>` in `options.cwd` and waits until it is ready: it has
 * answered a kernel_info_request and its first iopub message has arrived, so no output can be
 * lost to a subscriber that is still connecting.
 *
 * @throws {KernelError} when the process exits or does not answer within `startTimeout`.
 */
export async function startKernel(options: KernelOptions): Promise<Kernel> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, started, attempt);
    } catch (error) {
      if (!(error instanceof KernelPortTakenError) || attempt >= maxStartAttempts) throw error;
    }
  }
}

async function startOnce(
  options: KernelOptions,
  started: number,
  attempt: number,
): Promise<Kernel> {
  const transport = options.transport ?? defaultTransport;
  const connection = await writeConnectionFile(
    "tslab",
    transport === "tcp" ? await (options.choosePorts ?? freePorts)(5) : undefined,
    transport,
  );
  const session = randomUUID();
  const argv = options.command
    ? [options.command, "kernel", "--config-path", "{connection_file}"]
    : (options.argv ?? defaultKernelArgv());
  const kernelProcess = spawnKernelProcess({
    argv: argv.map((arg) => (arg === "{connection_file}" ? connection.path : arg)),
    cwd: options.cwd,
    env: options.env,
    attempt,
    maxAttempts: maxStartAttempts,
  });
  const requests = createRequests({
    channels: () => channels,
    process: kernelProcess,
    session,
    maxOutputBytes: options.maxOutputBytes,
  });
  const channels = openChannels(connection.info, requests);
  const shutdown = shutdownOnce({
    process: kernelProcess,
    channels,
    session,
    removeConnection: () => connection.remove(),
  });

  try {
    const info = await waitUntilReady({
      requests,
      channels,
      process: kernelProcess,
      cwd: options.cwd,
      startTimeout: options.startTimeout,
    });
    kernelProcess.markReady();
    return {
      info,
      startMs: performance.now() - started,
      startAttempts: attempt,
      pid: kernelProcess.child.pid,
      async execute(code, { timeout = 60_000, idleTimeout = 5_000 } = {}) {
        const content = {
          code,
          silent: false,
          store_history: true,
          user_expressions: {},
          allow_stdin: false,
          stop_on_error: true,
        };
        const { id, entry, timedOut } = await requests.request("execute_request", content, {
          reply: timeout,
          idle: idleTimeout,
        });
        const status =
          timedOut === "reply"
            ? "timeout"
            : ((entry.reply?.content.status as ExecuteResult["status"] | undefined) ?? "error");
        return {
          status,
          outputs: entry.outputs,
          idle: entry.idle,
          requestId: id,
          dropped: entry.dropped,
        };
      },
      interrupt() {
        if (!kernelProcess.failure()) kernelProcess.child.kill("SIGINT");
      },
      async settle(timeout = 5_000) {
        const { timedOut } = await requests.request(
          "kernel_info_request",
          {},
          { reply: timeout, idle: timeout },
        );
        if (timedOut) throw new KernelError(`the tslab kernel did not answer within ${timeout} ms`);
        return requests.takeStrays();
      },
      shutdown,
    };
  } catch (error) {
    await shutdown(0);
    throw error;
  }
}
