/**
 * Ending what student code left running. A kernel's own process is killed at shutdown, but
 * processes its code started (`spawn("sleep", ["infinity"])`, a detached server) outlive it. In
 * the grader's sandbox every such process shares the kernel's network namespace (sandbox.ts), so
 * after the run the grader kills every process in that namespace. Outside a sandbox (where the
 * kernel shares this process's namespace) nothing is swept: that would be every program here.
 */
import { readdirSync, readlinkSync } from "node:fs";

/** The network namespace of a process (`net:[4026532...]`), undefined if unknown or gone. */
function namespaceOf(pid: number | string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/**
 * The kernel's network namespace if it is a sandbox of its own (not this process's), else
 * undefined. Read it while the kernel runs: it is gone with the kernel.
 *
 * @example
 * const sandbox = sandboxOf(kernel.pid);
 */
export function sandboxOf(pid: number | undefined): string | undefined {
  if (pid === undefined || process.platform !== "linux") return undefined;
  const theirs = namespaceOf(pid);
  return theirs !== undefined && theirs !== namespaceOf("self") ? theirs : undefined;
}

/** Sandboxes of runs under way: swept at exit too (Ctrl-C), as kernel.ts kills the kernels. */
const open = new Set<string>();
process.on("exit", () => {
  for (const sandbox of open) sweep(sandbox);
});

/** Notes a sandbox to sweep if this process exits before the run ends. */
export function watchSandbox(sandbox: string | undefined): void {
  if (sandbox !== undefined) open.add(sandbox);
}

/**
 * Kills (SIGKILL) every process in the network namespace `sandbox`; returns how many.
 *
 * @example
 * const left = sweep(sandbox); // processes the student's code had left running
 */
export function sweep(sandbox: string | undefined): number {
  if (sandbox === undefined) return 0;
  open.delete(sandbox);
  let killed = 0;
  // Twice: a process can start another while the first round kills it.
  for (let round = 0; round < 2; round++) {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
      if (namespaceOf(pid) !== sandbox) continue;
      try {
        process.kill(Number(pid), "SIGKILL");
        killed++;
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return killed;
}
