/**
 * The two sides of the echo benchmarks. Servers run in a process of their own (the helper's echo
 * server, a raw node:net echo, the lecture's Python server in a recv(1024) loop); the measuring
 * client runs in the benchmark's process, written either with raw node:net or with the helper.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";

import { socket } from "../../../src/sockets/socket";
import type { StreamSocket } from "../../../src/sockets/stream-socket";
import { elapsedMs, PYTHON } from "./report";

/** The echo servers compared (loop: a student's recv/send loop on the helper, after lesson 07). */
export type ServerKind = "raw" | "helper" | "loop" | "python";

/** A running echo server process. */
export interface ServerProcess {
  kind: ServerKind;
  port: number;
  /** The server's process id (its CPU time is in /proc/PID/stat). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const here = import.meta.dirname;

/** Whether the lecture's Python can run here (Debian's python3). */
export function hasPython(): boolean {
  return existsSync(PYTHON);
}

/**
 * Starts an echo server in a child process on 127.0.0.1 and a free port.
 */
export async function startServer(kind: ServerKind): Promise<ServerProcess> {
  const child =
    kind === "python"
      ? spawn(PYTHON, ["-u", path.join(here, "python_echo_loop_server.py"), "0", "127.0.0.1"], {
          stdio: ["pipe", "pipe", "inherit"],
        })
      : spawn(
          process.execPath,
          ["--import", "tsx", path.join(here, "echo-server-process.ts"), kind],
          { stdio: ["pipe", "pipe", "inherit"] },
        );
  const port = await firstPort(child);
  return {
    kind,
    port,
    pid: child.pid,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      if (child.exitCode === null) {
        child.stdin?.end();
        if (kind === "python") child.kill("SIGTERM");
      }
      await exited;
    },
  };
}

function firstPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    child.once("exit", (code) => reject(new Error(`the echo server exited with ${code}`)));
    lines.once("line", (line) => {
      const port = Number(/(\d+)\s*$/.exec(line)?.[1]);
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`the echo server printed ${JSON.stringify(line)}, not its port`));
    });
  });
}

/** The measuring client's kind: raw node:net, or the course's helper (StreamSocket). */
export type ClientKind = "raw" | "helper";

function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: "127.0.0.1", port }, () => {
      sock.off("error", reject);
      resolve(sock);
    });
    sock.once("error", reject);
  });
}

async function helperConnect(port: number): Promise<StreamSocket> {
  const sock = socket();
  await sock.connect(["127.0.0.1", port], { timeout: 10_000 });
  return sock;
}

/**
 * Sends `count` messages of `size` bytes one at a time, each waiting for its echo (a round trip),
 * on one connection. Resolves with the round trips per second.
 */
export async function roundTrips(
  client: ClientKind,
  port: number,
  count: number,
  size: number,
): Promise<number> {
  const message = Buffer.alloc(size, 0x78);
  if (client === "raw") {
    const sock = await rawConnect(port);
    const ms = await new Promise<number>((resolve, reject) => {
      let pending = size;
      let done = 0;
      const start = process.hrtime.bigint();
      sock.on("error", reject);
      sock.on("data", (data: Buffer) => {
        pending -= data.length;
        if (pending > 0) return;
        done += 1;
        if (done === count) {
          resolve(elapsedMs(start));
          return;
        }
        pending = size;
        sock.write(message);
      });
      sock.write(message);
    });
    sock.destroy();
    return count / (ms / 1000);
  }
  const sock = await helperConnect(port);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    await sock.send(message);
    for (let have = 0; have < size; ) {
      const data = await sock.recv(size - have);
      if (data.length === 0) throw new Error("the echo server closed the connection");
      have += data.length;
    }
  }
  const ms = elapsedMs(start);
  await sock.close();
  return count / (ms / 1000);
}

/**
 * Pushes `total` bytes through the echo in `chunk`-byte writes while reading the echo back at the
 * same time; resolves with MiB per second (bytes echoed / time until the last one is back).
 */
export async function bulk(
  client: ClientKind,
  port: number,
  total: number,
  chunk: number,
): Promise<number> {
  const block = Buffer.alloc(chunk, 0x61);
  let ms: number;
  if (client === "raw") {
    const sock = await rawConnect(port);
    ms = await new Promise<number>((resolve, reject) => {
      let received = 0;
      let sent = 0;
      const start = process.hrtime.bigint();
      sock.on("error", reject);
      sock.on("data", (data: Buffer) => {
        received += data.length;
        if (received >= total) resolve(elapsedMs(start));
      });
      const pump = () => {
        while (sent < total) {
          const n = Math.min(chunk, total - sent);
          sent += n;
          if (!sock.write(n === chunk ? block : block.subarray(0, n))) {
            sock.once("drain", pump);
            return;
          }
        }
      };
      pump();
    });
    sock.destroy();
  } else {
    const sock = await helperConnect(port);
    const start = process.hrtime.bigint();
    const sending = (async () => {
      for (let sent = 0; sent < total; ) {
        const n = Math.min(chunk, total - sent);
        sent += await sock.send(n === chunk ? block : block.subarray(0, n));
      }
    })();
    let received = 0;
    while (received < total) {
      const data = await sock.recv(chunk);
      if (data.length === 0) throw new Error("the echo server closed the connection");
      received += data.length;
    }
    ms = elapsedMs(start);
    await sending;
    await sock.close();
  }
  return total / 2 ** 20 / (ms / 1000);
}
