/**
 * The connection file: how a Jupyter client tells a kernel where to listen and how to sign.
 *
 * Jupyter writes a small JSON file with five loopback ports and an HMAC key, and starts the kernel
 * with its path (`tslab kernel --config-path conn.json`). The kernel binds the ports; the client
 * connects to them. https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import getPort from "get-port";

/**
 * How the kernel's five sockets are reached: "tcp" on loopback ports (what Jupyter does), or
 * "ipc", Unix domain sockets in the connection file's private folder. ipc reaches a kernel that
 * runs in a network namespace of its own (the grader's sandbox), where the 127.0.0.1 of the
 * kernel is not ours; a socket file in the file system is the same on both sides.
 */
export type Transport = "tcp" | "ipc";

/** The contents of a Jupyter connection file, as the kernel reads it. */
export interface ConnectionInfo {
  transport: Transport;
  /**
   * tcp: always loopback, the kernel runs code and must never listen beyond this machine.
   * ipc: the path prefix of the socket files (the port numbers 1 to 5 tell them apart).
   */
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  /** Secret shared with the kernel; every message is signed with it (HMAC-SHA256). */
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

/** A connection file on disk; `remove()` deletes it and its private folder. */
export interface ConnectionFile {
  info: ConnectionInfo;
  path: string;
  remove(): Promise<void>;
}

/**
 * Asks the operating system for `count` free loopback ports at once.
 *
 * get-port asks the system for free ports and never hands one out twice. Another process
 * could still take one before the kernel binds it: startKernel then starts the kernel again on
 * fresh ports (kernel.ts, maxStartAttempts).
 */
export async function freePorts(count: number): Promise<number[]> {
  // get-port keeps every port it hands out locked for a while, so these are distinct.
  return Promise.all(Array.from({ length: count }, () => getPort({ host: "127.0.0.1" })));
}

/**
 * The ZeroMQ address of one of the kernel's sockets, written as tslab binds it:
 * `${transport}://${ip}:${port}` for ipc too (Jupyter's own clients write `ipc://ip-port`; this
 * runner only drives tslab).
 */
export function endpoint(info: Pick<ConnectionInfo, "transport" | "ip">, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}

/**
 * Makes connection info with five free loopback ports (or `ports`, in the order shell, iopub,
 * stdin, control, heartbeat) and a fresh random key. For ipc, `ipcPath` is the socket files'
 * path prefix and the ports are 1 to 5.
 */
export async function createConnectionInfo(
  kernelName = "tslab",
  ports?: readonly number[],
  ipcPath?: string,
): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] =
    ipcPath !== undefined ? [1, 2, 3, 4, 5] : (ports ?? (await freePorts(5)));
  return {
    transport: ipcPath !== undefined ? "ipc" : "tcp",
    ip: ipcPath ?? "127.0.0.1",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: kernelName,
  };
}

/**
 * Connection folders not yet removed (each holds a kernel's key, and its socket files with ipc):
 * removed when this process exits too, so that Ctrl-C leaves no key in the shared temporary folder.
 */
const folders = new Set<string>();
process.once("exit", () => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/**
 * Writes fresh connection info to `kernel-<id>.json` in a new private temporary folder (with
 * `transport` "ipc", the kernel's socket files go into that folder too).
 *
 * The folder is created with mode 0700 by mkdtemp and the file with 0600: the key lets anyone who
 * reads it run code in the kernel.
 */
export async function writeConnectionFile(
  kernelName = "tslab",
  ports?: readonly number[],
  transport: Transport = "tcp",
): Promise<ConnectionFile> {
  const dir = await mkdtemp(path.join(tmpdir(), "sockets-course-kernel-"));
  folders.add(dir);
  // A Unix socket's path has room for about 100 bytes: the short name keeps it well inside.
  const info = await createConnectionInfo(
    kernelName,
    ports,
    transport === "ipc" ? path.join(dir, "k") : undefined,
  );
  const file = path.join(dir, `kernel-${randomBytes(4).toString("hex")}.json`);
  await writeFile(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return {
    info,
    path: file,
    remove: async () => {
      await rm(dir, { recursive: true, force: true });
      folders.delete(dir);
    },
  };
}
