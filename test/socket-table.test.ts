import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, AF_INET6, SHUT_WR, SOCK_DGRAM, SOCK_STREAM } from "../src/constants";
import { socket } from "../src/socket";
import { jupyterKernelPorts, type SocketTableRow, socketTable } from "../src/socket-table";
import { closeAll } from "../src/tracker";
import { type Program, startProgram, stop } from "./support/processes";
import { connectedPair, listeningServer } from "./support/stream-pair";

const PYTHON = "/usr/bin/python3";
const pythonMissing = !existsSync(PYTHON);
if (pythonMissing) console.warn(`skipping the Python socketTable tests: ${PYTHON} is not there`);
const linuxOnly = process.platform !== "linux";
if (linuxOnly) console.warn("skipping the socketTable tests on real sockets: they need Linux");

const children: Program[] = [];

afterEach(async () => {
  await closeAll();
  await Promise.all(children.splice(0).map((p) => stop(p.child)));
});

/** The rows on `port` once `ready` holds for them: the system changes state a moment after a call. */
async function rowsWhen(
  port: number,
  ready: (rows: SocketTableRow[]) => boolean,
  filter: { own?: boolean } = {},
): Promise<SocketTableRow[]> {
  // Only stops a hang: each try is a fresh reading of the table.
  for (let attempt = 0; attempt < 500; attempt++) {
    const rows = (filter.own ? socketTable() : socketTable({ port })).rows.filter(
      (r) => r.localPort === port || r.remotePort === port,
    );
    if (ready(rows)) return rows;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const rows = socketTable({ port }).rows;
  throw new Error(`the table never got there: ${JSON.stringify(rows)}`);
}

const row = (rows: SocketTableRow[], localPort: number, remotePort?: number) =>
  rows.find(
    (r) => r.localPort === localPort && (remotePort === undefined || r.remotePort === remotePort),
  );

describe.skipIf(linuxOnly)("socketTable on Linux", () => {
  test("a listening socket is a LISTEN row of this process, with no peer", async () => {
    const server = await listeningServer();
    const rows = socketTable().rows.filter((r) => r.localPort === server.localPort);
    expect(rows).toEqual([
      {
        protocol: "tcp",
        family: AF_INET,
        localAddress: "127.0.0.1",
        localPort: server.localPort,
        remoteAddress: "0.0.0.0",
        remotePort: 0,
        state: "LISTEN",
        recvQueue: 0,
        sendQueue: 0,
        inode: expect.any(Number),
        owner: "this process",
      },
    ]);
  });

  test("an IPv6 listener shows its address as Node writes it", async () => {
    const server = socket(AF_INET6, SOCK_STREAM);
    await server.bind(["::1", 0]);
    await server.listen(1);
    const [r] = socketTable({ port: server.localPort }).rows;
    expect(r).toMatchObject({ family: AF_INET6, localAddress: "::1", state: "LISTEN" });
  });

  test("a connection shows as two ESTABLISHED rows whose 4-tuples mirror each other", async () => {
    const { server, client, connection } = await connectedPair();
    const rows = socketTable().rows.filter((r) => r.state === "ESTABLISHED");
    const clientRow = row(rows, client.localPort, server.localPort);
    const serverRow = row(rows, server.localPort, client.localPort);
    expect(clientRow).toMatchObject({ owner: "this process", remoteAddress: "127.0.0.1" });
    expect(serverRow).toMatchObject({ owner: "this process", remoteAddress: "127.0.0.1" });
    expect([serverRow?.localAddress, serverRow?.localPort]).toEqual(connection.getsockname());
    expect([clientRow?.remoteAddress, clientRow?.remotePort]).toEqual(client.getpeername());
  });

  test("the helper's listener keeps its accept queue at 0: Node takes each connection at once", async () => {
    const server = await listeningServer();
    for (let i = 0; i < 3; i++) {
      await socket(AF_INET, SOCK_STREAM).connect(["127.0.0.1", server.localPort]);
    }
    const rows = await rowsWhen(
      server.localPort,
      (rs) => rs.filter((r) => r.state === "ESTABLISHED").length === 6,
    );
    expect(row(rows, server.localPort, 0)).toMatchObject({ state: "LISTEN", recvQueue: 0 });
  });

  test("after the client closes first, the client waits in FIN_WAIT2 and the server's end in CLOSE_WAIT", async () => {
    const { server, client, connection } = await connectedPair();
    const clientPort = client.localPort;
    await client.close();
    const rows = await rowsWhen(server.localPort, (rs) =>
      rs.some((r) => r.localPort === clientPort && r.state === "FIN_WAIT2"),
    );
    expect(row(rows, server.localPort, clientPort)).toMatchObject({
      state: "CLOSE_WAIT",
      owner: "this process",
    });
    // The closed client's end belongs to no process, but it is still this notebook's to see.
    expect(row(rows, clientPort)).toMatchObject({ state: "FIN_WAIT2", owner: "none", inode: 0 });
    expect(row(socketTable().rows, clientPort)).toMatchObject({ state: "FIN_WAIT2" });
    expect(connection.state).toBe("connected");
  });

  test("a half-close (shutdown SHUT_WR) leaves the client in FIN_WAIT2 while it still owns the socket", async () => {
    const { server, client } = await connectedPair();
    await client.shutdown(SHUT_WR);
    const rows = await rowsWhen(server.localPort, (rs) =>
      rs.some((r) => r.localPort === client.localPort && r.state === "FIN_WAIT2"),
    );
    expect(row(rows, client.localPort)).toMatchObject({ owner: "this process" });
    expect(row(rows, server.localPort, client.localPort)).toMatchObject({ state: "CLOSE_WAIT" });
  });

  test("the side that closes first ends in TIME_WAIT, owned by no process and still listed as this one's", async () => {
    const { server, client, connection } = await connectedPair();
    const clientPort = client.localPort;
    await client.close();
    await connection.close();
    const rows = await rowsWhen(server.localPort, (rs) => rs.some((r) => r.state === "TIME_WAIT"));
    expect(row(rows, clientPort)).toMatchObject({ state: "TIME_WAIT", owner: "none", inode: 0 });
    expect(row(rows, server.localPort, clientPort)).toBeUndefined();
    expect(row(socketTable().rows, clientPort)).toMatchObject({ state: "TIME_WAIT" });
  });

  test("when the server closes first, the TIME_WAIT row is on the server's port", async () => {
    const { server, client, connection } = await connectedPair();
    const clientPort = client.localPort;
    await connection.close();
    expect((await client.recv(10)).length).toBe(0);
    await client.close();
    const rows = await rowsWhen(server.localPort, (rs) => rs.some((r) => r.state === "TIME_WAIT"));
    expect(row(rows, server.localPort, clientPort)).toMatchObject({ state: "TIME_WAIT" });
    expect(row(rows, clientPort)).toBeUndefined();
  });

  test("bytes nobody has read yet wait in the receive queue: a connection not yet accepted is not read", async () => {
    const server = await listeningServer();
    const client = socket(AF_INET, SOCK_STREAM);
    await client.connect(["127.0.0.1", server.localPort]);
    await client.send(Buffer.alloc(100));
    const waiting = await rowsWhen(
      server.localPort,
      (rs) => row(rs, server.localPort, client.localPort)?.recvQueue === 100,
    );
    expect(row(waiting, server.localPort, client.localPort)?.state).toBe("ESTABLISHED");
    // Once accepted, the helper reads the bytes into its own queue: the system's is empty.
    const [connection] = await server.accept();
    const read = await rowsWhen(
      server.localPort,
      (rs) => row(rs, server.localPort, client.localPort)?.recvQueue === 0,
    );
    expect(row(read, server.localPort, client.localPort)?.recvQueue).toBe(0);
    expect((await connection.recv(1024)).length).toBe(100);
  });

  test("a UDP socket is UNCONN until connect ties it to a peer, then ESTABLISHED", async () => {
    const server = socket(AF_INET, SOCK_DGRAM);
    await server.bind(["127.0.0.1", 0]);
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", server.localPort]);
    const rows = socketTable({ protocol: "udp" }).rows;
    expect(row(rows, server.localPort)).toMatchObject({ protocol: "udp", state: "UNCONN" });
    expect(row(rows, client.localPort)).toMatchObject({
      state: "ESTABLISHED",
      remoteAddress: "127.0.0.1",
      remotePort: server.localPort,
    });
  });

  test("disconnect gives back a port the system chose, as Linux does for Python; the next sendto gets a new one", async () => {
    const server = socket(AF_INET, SOCK_DGRAM);
    await server.bind(["127.0.0.1", 0]);
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", server.localPort]);
    const before = client.localPort;
    await client.disconnect();
    expect(client.localPort).toBe(0);
    expect(row(socketTable({ protocol: "udp" }).rows, before)).toBeUndefined();
    await client.sendto(Buffer.from("hi"), ["127.0.0.1", server.localPort]);
    expect(client.localPort).toBeGreaterThan(0);
    const [, sender] = await server.recvfrom(10, { timeout: 5000 });
    expect(sender).toEqual(client.getsockname());
    expect(row(socketTable({ protocol: "udp" }).rows, client.localPort)?.state).toBe("UNCONN");
  });

  test("the protocol filter keeps TCP or UDP rows only", async () => {
    await listeningServer();
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(0);
    expect(new Set(socketTable({ protocol: "tcp" }).rows.map((r) => r.protocol))).toEqual(
      new Set(["tcp"]),
    );
    expect(new Set(socketTable({ protocol: "udp" }).rows.map((r) => r.protocol))).toEqual(
      new Set(["udp"]),
    );
  });

  test("all: true lists sockets of other processes too", async () => {
    const server = await listeningServer();
    const all = socketTable({ all: true }).rows;
    expect(all.length).toBeGreaterThanOrEqual(socketTable().rows.length);
    expect(row(all, server.localPort)).toMatchObject({ state: "LISTEN" });
  });

  test.skipIf(pythonMissing)(
    "LAST_ACK: the side that closes second waits there while its FIN cannot go out (a peer that reads nothing)",
    async () => {
      const server = await listeningServer();
      // A client with a tiny receive buffer that half-closes and then reads nothing: its window
      // fills, so the server's data, and the FIN queued behind it, cannot be sent.
      const python = startProgram(
        PYTHON,
        [
          "-u",
          "-c",
          [
            "import socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)",
            "s.connect(('127.0.0.1', int(sys.argv[1])))",
            "s.shutdown(socket.SHUT_WR)",
            "print('half-closed from port %d' % s.getsockname()[1])",
            "sys.stdin.read()",
          ].join("\n"),
          String(server.localPort),
        ],
        { cwd: process.cwd() },
      );
      children.push(python);
      const clientPort = Number((await python.waitFor(/half-closed from port (\d+)/))[1]);
      const [connection] = await server.accept({ timeout: 10_000 });
      expect((await connection.recv(1024, { timeout: 10_000 })).length).toBe(0);
      void connection.send(Buffer.alloc(16 * 1024 * 1024)).catch(() => {});
      await rowsWhen(
        server.localPort,
        (rs) => (row(rs, server.localPort, clientPort)?.sendQueue ?? 0) > 0,
      );
      await connection.close();
      const rows = await rowsWhen(
        server.localPort,
        (rs) => row(rs, server.localPort, clientPort)?.state === "LAST_ACK",
      );
      expect(row(rows, server.localPort, clientPort)).toMatchObject({ owner: "none", inode: 0 });
      expect(row(rows, server.localPort, clientPort)?.sendQueue).toBeGreaterThan(0);
      expect(row(socketTable().rows, server.localPort, clientPort)?.state).toBe("LAST_ACK");
    },
  );

  test.skipIf(pythonMissing)(
    "a Python server that does not call accept shows its accept queue growing; only the port filter shows it",
    async () => {
      const python = startProgram(
        PYTHON,
        [
          "-u",
          "-c",
          [
            "import socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "s.bind(('127.0.0.1', 0))",
            "s.listen(5)",
            "print('listening on %s:%d' % s.getsockname())",
            "sys.stdin.read()",
          ].join("\n"),
        ],
        { cwd: process.cwd() },
      );
      children.push(python);
      const port = Number((await python.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
      expect(row(socketTable({ port }).rows, port)).toMatchObject({
        state: "LISTEN",
        recvQueue: 0,
        owner: "other",
      });
      for (let waiting = 1; waiting <= 3; waiting++) {
        await socket(AF_INET, SOCK_STREAM).connect(["127.0.0.1", port], { timeout: 5000 });
        const rows = await rowsWhen(port, (rs) => row(rs, port, 0)?.recvQueue === waiting);
        expect(row(rows, port, 0)?.recvQueue).toBe(waiting);
      }
      // The clients are this process's; the Python server's rows are not.
      const own = socketTable().rows.filter((r) => r.localPort === port || r.remotePort === port);
      expect(own.map((r) => r.state)).toEqual(["ESTABLISHED", "ESTABLISHED", "ESTABLISHED"]);
    },
  );
});

describe("socketTable's filter", () => {
  test.each([
    [{ port: 0 }],
    [{ port: 70000 }],
    [{ port: "12345" }],
    [{ protocol: "TCP" }],
    [{ all: "yes" }],
    [{ prot: "tcp" }],
    [null],
  ])("%o is refused with ERR_INVALID_ARGUMENT naming what it takes", (filter) => {
    expect(() => socketTable(filter as never)).toThrow(
      expect.objectContaining({
        code: "ERR_INVALID_ARGUMENT",
        message: expect.stringContaining("socketTable takes { port, protocol, all }"),
      }),
    );
  });
});

describe.skipIf(linuxOnly)("how a notebook shows the table", () => {
  test("it prints as aligned text naming the equivalent ss command", async () => {
    const server = await listeningServer();
    const table = socketTable({ port: server.localPort });
    const text = table.toString();
    expect(table.command).toBe(
      `ss -tuan 'sport = :${server.localPort} or dport = :${server.localPort}'`,
    );
    const lines = text.split("\n");
    expect(lines[1]).toBe(`same as: ${table.command}`);
    expect(lines[2]).toMatch(
      /^Netid\s+State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port\s+Process$/,
    );
    expect(lines[3]).toMatch(
      new RegExp(
        `^tcp\\s+LISTEN\\s+0\\s+0\\s+127\\.0\\.0\\.1:${server.localPort}\\s+0\\.0\\.0\\.0:\\*\\s+this process$`,
      ),
    );
    // Every column starts where its header does.
    expect(lines[3].indexOf("127.0.0.1")).toBe(lines[2].indexOf("Local Address"));
  });

  test("the default table names ss filtered by this process's pid, and an empty one says so", async () => {
    const table = socketTable({ protocol: "udp" });
    expect(table.command).toBe(`ss -uanp | grep 'pid=${process.pid},'`);
    if (table.rows.length === 0) expect(table.toString()).toMatch(/\(no sockets\)$/);
  });

  test("a notebook cell that ends with the table shows the text, not the object", async () => {
    const { inspect } = await import("node:util");
    await listeningServer();
    const table = socketTable();
    expect(inspect(table)).toBe(table.toString());
  });
});

describe("the Jupyter kernel's own ports", () => {
  test("are read from the connection file the kernel was started with, and nothing else is", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "socket-table-"));
    try {
      const file = path.join(dir, "kernel-1.json");
      writeFileSync(
        file,
        JSON.stringify({
          shell_port: 5001,
          iopub_port: 5002,
          stdin_port: 5003,
          control_port: 5004,
          hb_port: 5005,
          ip: "127.0.0.1",
          key: "k",
        }),
      );
      expect([...jupyterKernelPorts(["node", "tslab", "kernel", "--config-path", file])]).toEqual([
        5001, 5002, 5003, 5004, 5005,
      ]);
      expect([...jupyterKernelPorts(["python", "-m", "ipykernel", "-f", file])]).toHaveLength(5);
      expect(jupyterKernelPorts(["node", "script.js"]).size).toBe(0);
      expect(jupyterKernelPorts(["node", "x", "-f", path.join(dir, "missing.json")]).size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
