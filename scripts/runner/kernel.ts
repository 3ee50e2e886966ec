/**
 * A tslab kernel process, driven the way Jupyter drives it: over ZeroMQ, a dealer socket on the
 * kernel's shell port for requests and replies, a subscriber on its iopub port for everything the
 * code prints or displays.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { Dealer, Subscriber } from "zeromq";
import { kernelArgv, projectRoot } from "../jupyter/kernelspec";
import { endpoint, freePorts, type Transport, writeConnectionFile } from "./connection";
import { createMessage, type Message, parse, serialize } from "./messaging";

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
  /** The request's output messages in order (stream, display_data, ...), status messages left out. */
  outputs: Message[];
  /** False when the idle status never came after the reply: outputs may be missing. */
  idle: boolean;
  /** The execute_request's msg_id: stray messages (see {@link Kernel.settle}) point back to it. */
  requestId: string;
  /** Output messages let go past `maxOutputBytes` (they arrived, but are not in `outputs`). */
  dropped: number;
}

/** A message the kernel published for a request that had already finished (went idle). */
export interface StrayMessage {
  /** msg_id of the request it belongs to. */
  parentId: string;
  message: Message;
}

/** What the kernel says about itself in kernel_info_reply. */
export interface KernelInfo {
  protocol_version?: string;
  implementation?: string;
  language_info: Record<string, unknown> & { name: string };
  [key: string]: unknown;
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
  /** Asks the kernel to shut down, kills it after `graceMs` (default 1 000), cleans up. Idempotent. */
  shutdown(graceMs?: number): Promise<void>;
}

/** The kernel could not start, died, or stopped answering. */
export class KernelError extends Error {
  override name = "KernelError";
}

/** The kernel could not bind one of its ports (EADDRINUSE): another program took it first. */
export class KernelPortTakenError extends KernelError {
  override name = "KernelPortTakenError";
}

interface Pending {
  outputs: Message[];
  /** Content bytes of `outputs`, and the messages let go past maxOutputBytes. */
  bytes: number;
  dropped: number;
  reply?: Message;
  idle: boolean;
  /** Called on the reply and on idle. */
  wake: () => void;
}

/** Kernels still running, killed when this process exits (a kernel never outlives its runner). */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * Spawns `tslab kernel --config-path <file>` in `options.cwd` and waits until it is ready: it has
 * answered a kernel_info_request and its first iopub message has arrived, so no output can be
 * lost to a subscriber that is still connecting.
 *
 * @throws {KernelError} when the process exits or does not answer within `startTimeout`.
 * @example
 * const kernel = await startKernel({ cwd: "notebooks" });
 * const result = await kernel.execute('console.log("hi")');
 * await kernel.shutdown();
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
  const { info: conn } = connection;
  const session = randomUUID();
  const argv = options.command
    ? [options.command, "kernel", "--config-path", "{connection_file}"]
    : (options.argv ?? defaultKernelArgv());
  const child = spawn(
    argv[0],
    argv.slice(1).map((arg) => (arg === "{connection_file}" ? connection.path : arg)),
    {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: options.env ? { ...process.env, ...options.env } : process.env,
    },
  );
  live.add(child);

  // The kernel's own stdout/stderr (not the cells': those go to iopub). Kept for error messages.
  let log = "";
  let ready = false;
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-4000);
    // tslab reports a port it cannot bind and then waits forever, answering nothing: stop it now
    // (the start is retried on fresh ports) rather than wait out the start timeout.
    if (!ready && !exitError && /EADDRINUSE/.test(log)) {
      exitError = new KernelPortTakenError(
        `the tslab kernel in ${options.cwd} could not bind one of its ports (taken by another program since they were chosen, attempt ${attempt} of ${maxStartAttempts}); its output:\n${log.trim()}`,
      );
      child.kill("SIGKILL");
      for (const wake of exitWaiters) wake();
    }
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  let exitError: KernelError | undefined;
  const exitWaiters = new Set<() => void>();
  const exited = new Promise<void>((resolve) => {
    const onExit = (reason: string) => {
      live.delete(child);
      exitError ??= new KernelError(
        `the tslab kernel ${reason}${log.trim() ? `; its output:\n${log.trim()}` : ""}`,
      );
      for (const wake of exitWaiters) wake();
      resolve();
    };
    child.once("error", (error) => onExit(`could not start (${error.message})`));
    child.once("exit", (code, signal) =>
      onExit(`exited (${signal ?? `code ${code}`}) in ${options.cwd}`),
    );
  });

  const shell = new Dealer({ linger: 0 });
  // iopub is where a burst of output arrives; let our side queue without limit so that any loss
  // is the kernel's (and shows as a missing idle), never ours.
  const iopub = new Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  iopub.subscribe();
  shell.connect(endpoint(conn, conn.shell_port));
  iopub.connect(endpoint(conn, conn.iopub_port));

  const pending = new Map<string, Pending>();
  const finished = new Set<string>();
  const strays: StrayMessage[] = [];
  const maxBytes = options.maxOutputBytes ?? Number.POSITIVE_INFINITY;
  // Measuring costs a JSON.stringify per message: only when there is a limit to keep.
  const limited = Number.isFinite(maxBytes);
  let strayBytes = 0;
  let iopubSeen = false;
  const iopubWaiters = new Set<() => void>();

  // A receive pending when shutdown closes the socket can reject (ENOTSOCK, seen under a flood
  // of output): the loop is over then, and nothing is waiting for it.
  const closed = () => undefined;
  void (async () => {
    for await (const frames of shell) {
      const message = tryParse(frames, conn.key);
      const entry = message && pending.get(message.parent_header.msg_id ?? "");
      if (!message || !entry) continue;
      entry.reply = message;
      entry.wake();
    }
  })().catch(closed);
  void (async () => {
    for await (const frames of iopub) {
      const message = tryParse(frames, conn.key);
      if (!message) continue;
      iopubSeen = true;
      for (const wake of iopubWaiters) wake();
      const parentId = message.parent_header.msg_id ?? "";
      const entry = pending.get(parentId);
      if (entry) {
        if (message.header.msg_type === "status") {
          if (message.content.execution_state === "idle") {
            entry.idle = true;
            entry.wake();
          }
        } else if (message.header.msg_type !== "execute_input") {
          const size = limited ? contentBytes(message) : 0;
          if (entry.bytes + size <= maxBytes) {
            entry.bytes += size;
            entry.outputs.push(message);
          } else {
            entry.dropped++;
          }
          entry.wake();
        }
      } else if (finished.has(parentId) && message.header.msg_type !== "status") {
        const size = limited ? contentBytes(message) : 0;
        if (strayBytes + size <= maxBytes) {
          strayBytes += size;
          strays.push({ parentId, message });
        }
      }
    }
  })().catch(closed);

  /** Sends a request, waits for its reply and then its idle status; says which wait ran out, if any. */
  async function request(
    msgType: string,
    content: unknown,
    deadlines: { reply: number; idle: number },
  ): Promise<{ id: string; entry: Pending; timedOut: "reply" | "idle" | null }> {
    const message = createMessage(msgType, content, session);
    const id = message.header.msg_id;
    let wake = () => {};
    const entry: Pending = { outputs: [], bytes: 0, dropped: 0, idle: false, wake: () => wake() };
    pending.set(id, entry);
    try {
      try {
        await shell.send(serialize(message, conn.key));
      } catch (error) {
        throw (
          exitError ??
          new KernelError(`could not send to the tslab kernel: ${(error as Error).message}`)
        );
      }
      const reached = await waitFor(() => entry.reply !== undefined, deadlines.reply, false);
      if (!reached) return { id, entry, timedOut: "reply" };
      // Silence, not total time: a long output still arriving is not a lost one.
      const idle = await waitFor(() => entry.idle, deadlines.idle, true);
      return { id, entry, timedOut: idle ? null : "idle" };
    } finally {
      pending.delete(id);
      finished.add(id);
    }

    /** Resolves true once `done()`, false after `ms` (since the last message if `rearm`). */
    function waitFor(done: () => boolean, ms: number, rearm: boolean): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        let settled = false;
        const finish = () => {
          settled = true;
          clearTimeout(timer);
          exitWaiters.delete(check);
          wake = () => {};
        };
        // A process starved of CPU wakes up with this timer due and the awaited message already
        // waiting unread (timers run before I/O in Node's loop): let one I/O phase read it first.
        let armed = 0;
        const expire = () => {
          const at = armed;
          setImmediate(() => {
            if (settled || at !== armed) return; // Settled, or re-armed by a message just read.
            finish();
            resolve(done());
          });
        };
        let timer = setTimeout(expire, ms);
        const check = () => {
          if (settled) return;
          if (exitError) {
            finish();
            reject(exitError);
          } else if (done()) {
            finish();
            resolve(true);
          } else if (rearm) {
            armed++;
            clearTimeout(timer);
            timer = setTimeout(expire, ms);
          }
        };
        wake = check;
        exitWaiters.add(check);
        check();
      });
    }
  }

  let stopping: Promise<void> | undefined;
  async function shutdown(graceMs = 1000): Promise<void> {
    stopping ??= (async () => {
      if (!exitError) {
        // A server or timer left open in the kernel keeps it alive after shutdown_request.
        const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
        try {
          await shell.send(
            serialize(createMessage("shutdown_request", { restart: false }, session), conn.key),
          );
        } catch {
          // The socket may already be unusable; the kill below still ends the kernel.
        }
        await exited;
        clearTimeout(kill);
      }
      shell.close();
      iopub.close();
      await connection.remove();
    })();
    return stopping;
  }

  try {
    const info = await waitUntilReady();
    ready = true;
    const startMs = performance.now() - started;
    return {
      info,
      startMs,
      startAttempts: attempt,
      pid: child.pid,
      async execute(code, { timeout = 60_000, idleTimeout = 5_000 } = {}) {
        const content = {
          code,
          silent: false,
          store_history: true,
          user_expressions: {},
          allow_stdin: false,
          stop_on_error: true,
        };
        const { id, entry, timedOut } = await request("execute_request", content, {
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
        if (!exitError) child.kill("SIGINT");
      },
      async settle(timeout = 5_000) {
        const { timedOut } = await request(
          "kernel_info_request",
          {},
          { reply: timeout, idle: timeout },
        );
        if (timedOut) throw new KernelError(`the tslab kernel did not answer within ${timeout} ms`);
        strayBytes = 0;
        return strays.splice(0);
      },
      shutdown,
    };
  } catch (error) {
    await shutdown(0);
    throw error;
  }

  /** Repeats kernel_info_request until a reply and some iopub message have both arrived. */
  async function waitUntilReady(): Promise<KernelInfo> {
    const deadline = performance.now() + (options.startTimeout ?? 60_000);
    // The first requests may reach the kernel before the subscriber is connected: their status
    // messages are lost (ZeroMQ's "slow joiner"), hence the retries with a short deadline.
    while (performance.now() < deadline) {
      const left = deadline - performance.now();
      const { entry } = await request(
        "kernel_info_request",
        {},
        {
          reply: Math.min(left, 2_000),
          idle: Math.min(left, 250),
        },
      );
      if (entry.reply && (iopubSeen || (await anyIopub(Math.min(left, 250))))) {
        return entry.reply.content as KernelInfo;
      }
    }
    throw new KernelError(
      `the tslab kernel in ${options.cwd} did not answer within ${options.startTimeout ?? 60_000} ms${log.trim() ? `; its output:\n${log.trim()}` : ""}`,
    );
  }

  function anyIopub(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        iopubWaiters.delete(seen);
        resolve(value);
      };
      const seen = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      iopubWaiters.add(seen);
    });
  }
}

/** About how much memory a message's content holds (its text, mostly). */
function contentBytes(message: Message): number {
  return JSON.stringify(message.content).length;
}

function tryParse(frames: Buffer[], key: string): Message | undefined {
  try {
    return parse(frames, key);
  } catch {
    // Not ours or corrupt: a Jupyter client ignores such messages too.
    return undefined;
  }
}
