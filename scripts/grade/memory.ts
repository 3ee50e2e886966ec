/**
 * A watch on a kernel's resident memory. Node's --max-old-space-size limits the JavaScript heap
 * only: a Buffer or typed array lives outside it, and student code that keeps allocating them
 * (`hog.push(Buffer.alloc(1e8))`) would take the whole machine, and other users' programs with it
 * when the system runs out. The watch reads the kernel's resident size from /proc and kills it
 * past the limit. Linux only (elsewhere, only the heap limit holds); processes the code starts
 * are not counted.
 */
import { readFileSync } from "node:fs";

/** How often the kernel's size is read: 100 MB a step takes a loop about this long to allocate. */
const everyMs = 200;

/**
 * Calls `over` once (after killing the process) when `pid`'s resident memory passes `limitMb`;
 * returns a function that ends the watch.
 *
 * @example
 * const stop = watchMemory(kernel.pid, 1536, (mb) => console.error(`killed at ${mb} MB`));
 */
export function watchMemory(
  pid: number | undefined,
  limitMb: number,
  over: (usedMb: number) => void,
): () => void {
  if (pid === undefined || process.platform !== "linux") return () => undefined;
  const timer = setInterval(() => {
    const used = residentMb(pid);
    if (used === undefined || used <= limitMb) return;
    clearInterval(timer);
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // It ended by itself meanwhile.
    }
    over(used);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** VmRSS of a process in MB, undefined when it is gone. */
function residentMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return kb ? Number(kb[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
