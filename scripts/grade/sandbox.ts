/**
 * How the grader starts a kernel: tslab on this project's node with a heap limit, and on Linux in
 * a network namespace of its own, where only loopback exists.
 *
 * `unshare --net --map-root-user` gives the kernel a fresh network stack (no interfaces but `lo`,
 * brought up with `ip link set lo up` before tslab starts) as an unprivileged user. Student code
 * then reaches 127.0.0.1 and ::1 inside that namespace only: no other machine, and none of this
 * machine's own servers either. The runner talks to the kernel over Unix sockets (the "ipc"
 * transport), which live in the file system and so cross the namespace's border.
 */
import { spawnSync } from "node:child_process";
import type { KernelOptions } from "../runner/kernel";
import { defaultKernelArgv } from "../runner/kernel";

/** Whether kernels can be isolated here, and if not, why (said once on the terminal). */
export interface NetworkIsolation {
  isolated: boolean;
  /** The line the grader prints about it. */
  note: string;
}

/**
 * Tries once whether this machine lets an ordinary user make a network namespace and bring its
 * loopback up (Linux with unprivileged user namespaces, and `unshare` and `ip` installed).
 */
export function probeNetworkIsolation(): NetworkIsolation {
  if (process.platform !== "linux") {
    return {
      isolated: false,
      note: `network: student code runs with this machine's network (no network namespaces on ${process.platform})`,
    };
  }
  const probe = spawnSync("unshare", [...namespaceArgs, "ip link set lo up"], {
    encoding: "utf8",
    timeout: 10_000,
  });
  if (probe.status === 0) {
    return {
      isolated: true,
      note: "network: each Jupyter kernel runs in a network namespace of its own (loopback only: no other machine, none of this machine's servers)",
    };
  }
  const why = probe.error?.message ?? (probe.stderr.trim() || `exit status ${probe.status}`);
  return {
    isolated: false,
    note: `network: cannot isolate the kernels here (unshare --net --map-root-user: ${why.split("\n")[0]}); student code runs with this machine's network`,
  };
}

const namespaceArgs = ["--net", "--map-root-user", "--", "sh", "-c"];

/**
 * The startKernel options that launch tslab with a heap limit of `memoryMb` (node's
 * `--max-old-space-size`: code that fills the heap ends the kernel, not the machine), isolated
 * when `isolated`. `exec` keeps one process, so the kernel's pid is the one SIGINT goes to.
 */
export function kernelLauncher(options: {
  memoryMb: number;
  isolated: boolean;
}): Pick<KernelOptions, "argv" | "transport"> {
  // Not isolated: startKernel's default transport (ipc wherever there is one).
  // The kernelspec's own command line (the one Jupyter runs), node's heap limit after node.
  const [node, ...rest] = defaultKernelArgv();
  const kernel = [node as string, `--max-old-space-size=${options.memoryMb}`, ...rest];
  if (!options.isolated) return { argv: kernel };
  return {
    argv: ["unshare", ...namespaceArgs, 'ip link set lo up && exec "$@"', "sh", ...kernel],
    transport: "ipc",
  };
}
