/**
 * The processes a Jupyter server started (its kernels), so stopping the server can make sure
 * none outlives it: Jupyter starts each kernel in a session of its own, so a kernel is not in the
 * server's process group and a server killed hard leaves its kernels running.
 */
import { execFileSync } from "node:child_process";

/**
 * Process ids of every descendant of `pid` (children, grandchildren, ...), from `ps`.
 * An empty list where `ps` is missing (Windows).
 */
export function descendantPids(pid: number): number[] {
  let table: string;
  try {
    table = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split("\n")) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!Number.isInteger(child) || !Number.isInteger(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** True while a process with this id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Sends SIGKILL to each pid still alive; ignores those already gone. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already exited: nothing to do.
    }
  }
}
