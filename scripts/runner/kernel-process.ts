/**
 * The kernel as an operating-system process: spawned with its command line, its own output kept
 * for error messages, its end (or a port it could not bind) turned into a {@link KernelError} that
 * every wait of the runner sees at once.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** The kernel could not start, died, or stopped answering. */
export class KernelError extends Error {
  override name = "KernelError";
}

/** The kernel could not bind one of its ports (EADDRINUSE): another program took it first. */
export class KernelPortTakenError extends KernelError {
  override name = "KernelPortTakenError";
}

/** Kernels still running, killed when this process exits (a kernel never outlives its runner). */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** What the rest of the runner needs of the process. */
export interface KernelProcess {
  readonly child: ChildProcess;
  /** Settles once the process has exited (or could not be spawned). */
  readonly exited: Promise<void>;
  /** Why the kernel can no longer be used (it exited, or lost a port); undefined while it runs. */
  failure(): KernelError | undefined;
  /** Functions called when it fails: a wait that is pending rejects with {@link failure} then. */
  readonly failureListeners: Set<() => void>;
  /** The last 4 000 characters the process itself printed (not the cells' output: that is iopub). */
  log(): string;
  /** The kernel has answered: an EADDRINUSE it prints from now on is a cell's, not a start failure. */
  markReady(): void;
}

/** How to start one kernel process. */
export interface KernelSpawn {
  /** The command line, with the connection file's path already in it. */
  argv: readonly string[];
  cwd: string;
  env?: Readonly<Record<string, string>>;
  /** This start's number and the most there will be, for the port-taken message. */
  attempt: number;
  maxAttempts: number;
}

/**
 * Spawns the kernel. A port it cannot bind is noticed in its output and ends it at once (tslab
 * then waits forever, answering nothing), so that the start is retried rather than timed out.
 */
export function spawnKernelProcess(options: KernelSpawn): KernelProcess {
  const child = spawn(options.argv[0], options.argv.slice(1), {
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env ? { ...process.env, ...options.env } : process.env,
  });
  live.add(child);
  const failureListeners = new Set<() => void>();
  let failure: KernelError | undefined;
  let log = "";
  let ready = false;
  const fail = (error: KernelError) => {
    failure ??= error;
    for (const listener of failureListeners) listener();
  };

  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-4000);
    if (!ready && !failure && /EADDRINUSE/.test(log)) {
      fail(
        new KernelPortTakenError(
          `the tslab kernel in ${options.cwd} could not bind one of its ports (taken by another program since they were chosen, attempt ${options.attempt} of ${options.maxAttempts}); its output:\n${log.trim()}`,
        ),
      );
      child.kill("SIGKILL");
    }
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  const exited = new Promise<void>((resolve) => {
    const onExit = (reason: string) => {
      live.delete(child);
      fail(
        new KernelError(
          `the tslab kernel ${reason}${log.trim() ? `; its output:\n${log.trim()}` : ""}`,
        ),
      );
      resolve();
    };
    child.once("error", (error) => onExit(`could not start (${error.message})`));
    child.once("exit", (code, signal) =>
      onExit(`exited (${signal ?? `code ${code}`}) in ${options.cwd}`),
    );
  });

  return {
    child,
    exited,
    failure: () => failure,
    failureListeners,
    log: () => log,
    markReady: () => {
      ready = true;
    },
  };
}
