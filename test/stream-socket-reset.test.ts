import { existsSync } from "node:fs";

import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_STREAM } from "../src/constants";
import { socket } from "../src/socket";
import { socketTable } from "../src/socket-table";
import type { StreamSocket } from "../src/stream-socket";
import { closeAll } from "../src/tracker";
import { type Program, startProgram, stop } from "./support/processes";
import { connectedPair, listeningServer } from "./support/stream-pair";

const PYTHON = "/usr/bin/python3";
const pythonMissing = !existsSync(PYTHON);
if (pythonMissing) console.warn(`skipping the Python close tests: ${PYTHON} is not there`);

const children: Program[] = [];

afterEach(async () => {
  await closeAll();
  await Promise.all(children.splice(0).map((p) => stop(p.child)));
});

/** Reads until the end of stream or an error: "eof" with the bytes, or the error's code. */
async function readToEnd(sock: StreamSocket): Promise<{ bytes: number; end: string }> {
  let bytes = 0;
  for (;;) {
    try {
      const data = await sock.recv(65536, { timeout: 10_000 });
      if (data.length === 0) return { bytes, end: "eof" };
      bytes += data.length;
    } catch (err) {
      return { bytes, end: (err as { code: string }).code };
    }
  }
}

/** Waits until the system's receive queue of `sock`'s connection is empty: the helper read it all. */
async function readBySystem(sock: StreamSocket): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const rows = socketTable().rows;
    const mine = rows.find(
      (r) => r.localPort === sock.localPort && r.remotePort === sock.remotePort,
    );
    if (process.platform !== "linux" || mine?.recvQueue === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until bytes wait unread in the system's receive queue of `sock`'s connection. */
async function waitingInSystem(sock: StreamSocket): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const mine = socketTable().rows.find(
      (r) => r.localPort === sock.localPort && r.remotePort === sock.remotePort,
    );
    if (process.platform !== "linux" || (mine?.recvQueue ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("close with bytes left unread resets the connection, as Linux does", () => {
  test("the echo server that reads 1024 of 3,000 bytes and closes resets: the client's recv fails with ECONNRESET", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.alloc(3000, 120));
    await readBySystem(connection);
    const data = await connection.recv(1024);
    await connection.send(data);
    await connection.close();
    const seen = await readToEnd(client);
    expect(seen.end).toBe("ECONNRESET");
    expect(seen.bytes).toBeLessThanOrEqual(1024);
  });

  test("the reset's error says what it usually means", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("unread"));
    await readBySystem(connection);
    await connection.close();
    const err = await client.recv(10, { timeout: 10_000 }).catch((e: Error) => e);
    expect(err).toMatchObject({ name: "SocketError", code: "ECONNRESET", syscall: "recv" });
    expect((err as Error).message).toContain("closed with data left unread");
  });

  test("a send after the reset fails too: the connection is gone", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("unread"));
    await readBySystem(connection);
    await connection.close();
    await readToEnd(client);
    const err = await client.send(Buffer.from("more")).catch((e: Error) => e);
    expect(err).toMatchObject({ code: "ECONNRESET", syscall: "send" });
  });

  test("bytes still in the operating system's buffer reset too: a connection that was never read", async () => {
    const { client, connection } = await connectedPair();
    // 4 MiB: more than the helper keeps in memory, so some of it stays in the system's buffer.
    void client.send(Buffer.alloc(4 * 1024 * 1024)).catch(() => {});
    await waitingInSystem(connection);
    await connection.close();
    expect((await readToEnd(client)).end).toBe("ECONNRESET");
  });

  test("a server that read everything the client sent closes cleanly: the client gets the echo, then the end of stream", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("hello"));
    const data = await connection.recv(1024);
    await connection.send(data);
    await connection.close();
    expect(await readToEnd(client)).toEqual({ bytes: 5, end: "eof" });
  });

  test("a close after reading to the end of stream is clean, whatever came before", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.alloc(3000));
    await client.close();
    expect(await readToEnd(connection)).toEqual({ bytes: 3000, end: "eof" });
    await connection.close();
    expect(connection.state).toBe("closed");
  });

  test("a client that closes with the server's reply unread resets the server's connection", async () => {
    const { client, connection } = await connectedPair();
    await connection.send(Buffer.from("you never read this"));
    await readBySystem(client);
    await client.close();
    expect((await readToEnd(connection)).end).toBe("ECONNRESET");
  });

  test.skipIf(pythonMissing)(
    "the lecture's Python client that sends 3,000 bytes to the helper's echo server sees ConnectionResetError",
    async () => {
      const server = await listeningServer();
      const python = startProgram(
        PYTHON,
        [
          "-u",
          "-c",
          [
            "import socket, sys",
            "sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "sock.connect(('127.0.0.1', int(sys.argv[1])))",
            "sock.send(b'x' * 3000)",
            "try:",
            "    while sock.recv(1024): pass",
            "    print('end of stream')",
            "except ConnectionResetError as e:",
            "    print('ConnectionResetError:', e)",
          ].join("\n"),
          String(server.localPort),
        ],
        { cwd: process.cwd() },
      );
      children.push(python);
      const [connection] = await server.accept({ timeout: 10_000 });
      await readBySystem(connection);
      const data = await connection.recv(1024);
      await connection.send(data);
      await connection.close();
      expect(await python.exited).toBe(0);
      expect(python.stdout()).toMatch(
        /^ConnectionResetError: \[Errno 104\] Connection reset by peer/,
      );
    },
  );

  test.skipIf(pythonMissing)(
    "the same Python client sending 5 bytes gets its echo and a clean end of stream",
    async () => {
      const server = await listeningServer();
      const python = startProgram(
        PYTHON,
        [
          "-u",
          "-c",
          [
            "import socket, sys",
            "sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "sock.connect(('127.0.0.1', int(sys.argv[1])))",
            "sock.send(b'hello')",
            "print('received', sock.recv(1024))",
            "print('then', sock.recv(1024))",
          ].join("\n"),
          String(server.localPort),
        ],
        { cwd: process.cwd() },
      );
      children.push(python);
      const [connection] = await server.accept({ timeout: 10_000 });
      const data = await connection.recv(1024);
      await connection.send(data);
      await connection.close();
      expect(await python.exited).toBe(0);
      expect(python.stdout()).toBe("received b'hello'\nthen b''\n");
    },
  );
});

describe("a listening socket", () => {
  test("closing it with a connection not yet accepted that sent bytes resets that connection", async () => {
    const server = await listeningServer();
    const client = socket(AF_INET, SOCK_STREAM);
    await client.connect(["127.0.0.1", server.localPort]);
    await client.send(Buffer.from("hello?"));
    await server.close();
    expect((await readToEnd(client)).end).toBe("ECONNRESET");
  });
});
