/**
 * What a class costs the machine, for sizing a hub: the memory of the kernels (this process's
 * children, sampled every second from /proc) and the CPU time of everything the class ran.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Peaks seen while sampling, and CPU time used since the sampler started. */
export interface ClassResources {
  /** Stops sampling and reports. */
  stop(): {
    /** The most memory all kernels held at once (sum of their resident sets), in MB. */
    peakTotalMb: number;
    /** The most any one kernel held, in MB. */
    peakKernelMb: number;
    /** Kernels running at once, at most. */
    peakKernels: number;
    /** CPU seconds (user+system) of this process and every child it has waited for. */
    cpuSeconds: number;
  };
}

/**
 * Starts sampling this process's children (the tslab kernels) every `intervalMs`.
 *
 * @example
 * const resources = sampleClassResources();
 * // ... run the class ...
 * const { peakTotalMb, cpuSeconds } = resources.stop();
 */
export function sampleClassResources(intervalMs = 1000): ClassResources {
  const startCpu = cpuSeconds();
  let peakTotalMb = 0;
  let peakKernelMb = 0;
  let peakKernels = 0;
  const sample = () => {
    const sizes = childrenRssMb();
    peakKernels = Math.max(peakKernels, sizes.length);
    peakTotalMb = Math.max(
      peakTotalMb,
      sizes.reduce((a, b) => a + b, 0),
    );
    peakKernelMb = Math.max(peakKernelMb, ...sizes);
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakTotalMb, peakKernelMb, peakKernels, cpuSeconds: cpuSeconds() - startCpu };
    },
  };
}

/** Resident sets of this process's child processes, in MB (Linux /proc; empty elsewhere). */
function childrenRssMb(): number[] {
  const sizes: number[] = [];
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return sizes;
  }
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (Number(/PPid:\s+(\d+)/.exec(status)?.[1]) !== process.pid) continue;
      sizes.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    } catch {
      // The process ended meanwhile.
    }
  }
  return sizes;
}

/** This process's CPU time and its waited-for children's (/proc/self/stat fields 14-17), in s. */
function cpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // After the command name: state is field 3, so utime..cstime (fields 14-17) are 11..14 here.
    const ticks = fields.slice(11, 15).reduce((a, b) => a + Number(b), 0);
    return ticks / 100; // Linux counts 100 ticks a second (USER_HZ).
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
}
