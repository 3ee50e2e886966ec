/**
 * The connection file: how a Jupyter client tells a kernel where to listen and how to sign.
 *
 * Jupyter writes a small JSON file with five loopback ports and an HMAC key, and starts the kernel
 * with its path (`tslab kernel --config-path conn.json`). The kernel binds the ports; the client
 * connects to them. https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** The contents of a Jupyter connection file, as the kernel reads it. */
export interface ConnectionInfo {
  transport: "tcp";
  /** Always loopback: the kernel runs code, it must never listen beyond this machine. */
  ip: "127.0.0.1";
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
 * All servers listen together before any closes, so the ports are distinct. Another process
 * could still take one before the kernel binds it: startKernel then starts the kernel again on
 * fresh ports (kernel.ts, maxStartAttempts).
 *
 * @example
 * const [a, b] = await freePorts(2); // e.g. [39127, 40551]
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        throw new Error("a TCP server on 127.0.0.1 reported no port");
      }
      return address.port;
    });
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

/**
 * Makes connection info with five free loopback ports (or `ports`, in the order shell, iopub,
 * stdin, control, heartbeat) and a fresh random key.
 *
 * @example
 * const info = await createConnectionInfo();
 * info.ip; // "127.0.0.1"
 */
export async function createConnectionInfo(
  kernelName = "tslab",
  ports?: readonly number[],
): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = ports ?? (await freePorts(5));
  return {
    transport: "tcp",
    ip: "127.0.0.1",
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
 * Writes fresh connection info to `kernel-<id>.json` in a new private temporary folder.
 *
 * The folder is created with mode 0700 by mkdtemp and the file with 0600: the key lets anyone who
 * reads it run code in the kernel.
 *
 * @example
 * const conn = await writeConnectionFile();
 * // spawn("tslab", ["kernel", "--config-path", conn.path]) ... then:
 * await conn.remove();
 */
export async function writeConnectionFile(
  kernelName = "tslab",
  ports?: readonly number[],
): Promise<ConnectionFile> {
  const info = await createConnectionInfo(kernelName, ports);
  const dir = await mkdtemp(path.join(tmpdir(), "sockets-course-kernel-"));
  const file = path.join(dir, `kernel-${randomBytes(4).toString("hex")}.json`);
  await writeFile(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return {
    info,
    path: file,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
