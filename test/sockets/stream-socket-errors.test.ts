/** StreamSocket's failures: what the system refuses, and misuse. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";

import { afterEach, describe, expect, test } from "vitest";
import { SocketError, type SocketUsageError } from "../../src/errors/socket-error";
import { AF_INET, SOCK_STREAM } from "../../src/sockets/constants";
import { closeAll } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";
import { connectedPair, listeningServer, refusedPort } from "../support/stream-pair";

afterEach(async () => {
  await closeAll();
});

/** A plain Node server, outside the helper (another program, as far as the helper knows). */
async function foreignServer(
  onConnection: Parameters<typeof createServer>[1] = () => {},
): Promise<Server> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

describe("system errors", () => {
  test("connect where nothing listens rejects with ECONNREFUSED and says to start the server first", async () => {
    const port = await refusedPort();
    const err = await socket()
      .connect(["127.0.0.1", port])
      .catch((e) => e);
    expect(err).toBeInstanceOf(SocketError);
    expect(err).toMatchObject({
      code: "ECONNREFUSED",
      syscall: "connect",
      address: "127.0.0.1",
      port,
    });
    expect(err.message).toBe(
      `connect ECONNREFUSED 127.0.0.1:${port}: nothing is listening on 127.0.0.1:${port}; start the server first (and check the port)`,
    );
    expect(err.cause).toBeInstanceOf(Error);
  });

  test("a failed connect can be retried on the same socket once the server is there", async () => {
    const client = socket();
    const port = await refusedPort();
    await expect(client.connect(["127.0.0.1", port])).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
    const server = await listeningServer();
    await client.connect(["127.0.0.1", server.localPort]);
    expect(client.state).toBe("connected");
  });

  test("listen on a port another program holds rejects with EADDRINUSE and mentions closeAll", async () => {
    const other = await foreignServer();
    const port = portOf(other);
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["127.0.0.1", port]);
    const err = await server.listen(1).catch((e) => e);
    other.close();
    expect(err).toMatchObject({ name: "SocketError", code: "EADDRINUSE", syscall: "listen", port });
    expect(err.hint).toMatch(/earlier cell.*closeAll\(\)/);
    expect(server.state).toBe("bound");
  });

  test("listen on an address this machine does not have rejects with EADDRNOTAVAIL", async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["203.0.113.1", 0]); // TEST-NET-3: never an address of this machine
    await expect(server.listen(1)).rejects.toMatchObject({
      code: "EADDRNOTAVAIL",
      hint: expect.stringMatching(/not an address of this machine/),
    });
  });

  test("recv rejects with ECONNRESET named recv when the peer resets the connection, and send with the same reset named send", async () => {
    const peer = await foreignServer((s) => s.once("data", () => s.resetAndDestroy()));
    const port = portOf(peer);
    const client = socket();
    await client.connect(["127.0.0.1", port]);
    await client.send(Buffer.from("hello?"));
    const err = await client.recv(10).catch((e) => e);
    expect(err).toMatchObject({
      name: "SocketError",
      code: "ECONNRESET",
      syscall: "recv",
      nodeSyscall: "read",
      hint: expect.stringMatching(/reset/),
    });
    expect(err.message).toMatch(/^recv ECONNRESET 127\.0\.0\.1:\d+: the other side reset/);
    expect(err.cause).toMatchObject({ code: "ECONNRESET", syscall: "read" });
    const sendErr = await client.send(Buffer.from("again")).catch((e) => e);
    expect(sendErr).toBeInstanceOf(SocketError);
    expect(sendErr).toMatchObject({
      code: "ECONNRESET",
      errno: err.errno,
      syscall: "send",
      nodeSyscall: "read",
      address: err.address,
      port: err.port,
      hint: err.hint,
    });
    expect(sendErr.message).toMatch(/^send ECONNRESET 127\.0\.0\.1:\d+: the other side reset/);
    expect(sendErr.cause).toBe(err.cause);
    peer.close();
  });

  test("send to a peer that has closed fails named send (not Node's write), with the code Node reported", async () => {
    const peer = await foreignServer((s) => s.destroy());
    const port = portOf(peer);
    const client = socket();
    await client.connect(["127.0.0.1", port]);
    // The peer's FIN is here: from now on its system answers what we send with a reset.
    expect((await client.recv(10)).length).toBe(0);
    let err: unknown;
    for (let attempt = 0; attempt < 100 && err === undefined; attempt++) {
      err = await client.send(Buffer.alloc(1024)).then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(err).toBeInstanceOf(SocketError);
    const failed = err as SocketError;
    expect(["EPIPE", "ECONNRESET"]).toContain(failed.code);
    expect(failed).toMatchObject({
      syscall: "send",
      nodeSyscall: "write",
      address: "127.0.0.1",
      port,
    });
    expect(failed.message).toMatch(new RegExp(`^send ${failed.code} 127\\.0\\.0\\.1:${port}: `));
    expect(failed.hint).toMatch(
      failed.code === "EPIPE" ? /closed for sending/ : /reset the connection/,
    );
    const nodeError = failed.cause as Error & { code?: string; errno?: number; syscall?: string };
    expect(nodeError).toMatchObject({ code: failed.code, errno: failed.errno, syscall: "write" });
    expect(nodeError.message).toMatch(new RegExp(`^write ${failed.code}`));
    // Sending again reports the same failure, still named send.
    await expect(client.send(Buffer.from("again"))).rejects.toMatchObject({
      code: failed.code,
      syscall: "send",
      cause: nodeError,
    });
    peer.close();
  });

  test("listen on a well-known port without privilege rejects with EACCES and a hint about well-known ports (real, as user nobody in a child process)", (ctx) => {
    const unprivilegedStart = Number(
      readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8"),
    );
    if (unprivilegedStart <= 80)
      ctx.skip(
        `this system lets anyone bind port 80 (ip_unprivileged_port_start=${unprivilegedStart})`,
      );
    const root = path.resolve(import.meta.dirname, "..", "..");
    const script = `import { socket } from "./src/index";
      const s = socket(); await s.bind(["127.0.0.1", 80]);
      try { await s.listen(1); console.log("{}"); } catch (e) { console.log(JSON.stringify({ ...e, message: e.message })); }`;
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const run = spawnSync(
      path.join(root, "node_modules/.bin/tsx"),
      ["--eval", script, "--input-type=module"],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, HOME: "/tmp" },
        ...asNobody,
      },
    );
    if (run.error || run.status !== 0)
      ctx.skip(`cannot run a child process as an unprivileged user: ${run.error ?? run.stderr}`);
    const reported = JSON.parse(run.stdout.trim().split("\n").pop() as string);
    expect(reported).toMatchObject({
      code: "EACCES",
      syscall: "listen",
      address: "127.0.0.1",
      port: 80,
    });
    expect(reported.message).toMatch(
      /^listen EACCES 127\.0\.0\.1:80: ports 0-1023 are well-known ports/,
    );
  });
});

describe("misuse rejects at once with its own code", () => {
  const code = (p: Promise<unknown>) =>
    p.then(
      () => "resolved",
      (e: SocketUsageError) => e.code,
    );

  test("recv before connect: ERR_NOT_CONNECTED", async () => {
    expect(await code(socket().recv(10))).toBe("ERR_NOT_CONNECTED");
  });

  test("send before connect: ERR_NOT_CONNECTED", async () => {
    expect(await code(socket().send(Buffer.from("x")))).toBe("ERR_NOT_CONNECTED");
  });

  test("recv on a listening socket: ERR_NOT_CONNECTED, pointing to accept's connection", async () => {
    const server = await listeningServer();
    await expect(server.recv(10)).rejects.toThrow(/use the connection that accept\(\) returned/);
  });

  test("send after close: ERR_SOCKET_CLOSED", async () => {
    const { client } = await connectedPair();
    await client.close();
    expect(await code(client.send(Buffer.from("x")))).toBe("ERR_SOCKET_CLOSED");
  });

  test("recv after close: ERR_SOCKET_CLOSED", async () => {
    const { client } = await connectedPair();
    await client.close();
    expect(await code(client.recv(10))).toBe("ERR_SOCKET_CLOSED");
  });

  test("accept before listen: ERR_NOT_LISTENING", async () => {
    const server = socket();
    await server.bind(0);
    expect(await code(server.accept())).toBe("ERR_NOT_LISTENING");
  });

  test("bind twice: ERR_ALREADY_BOUND", async () => {
    const server = socket();
    await server.bind(0);
    expect(await code(server.bind(0))).toBe("ERR_ALREADY_BOUND");
  });

  test("bind after connect: ERR_ALREADY_CONNECTED", async () => {
    const { client } = await connectedPair();
    expect(await code(client.bind(0))).toBe("ERR_ALREADY_CONNECTED");
  });

  test("listen without bind: ERR_NOT_BOUND", async () => {
    expect(await code(socket().listen(1))).toBe("ERR_NOT_BOUND");
  });

  test("listen with a backlog that is not a whole number: ERR_INVALID_ARGUMENT", async () => {
    const server = socket();
    await server.bind(0);
    expect(await code(server.listen(-1))).toBe("ERR_INVALID_ARGUMENT");
  });

  test("connect twice: ERR_ALREADY_CONNECTED", async () => {
    const { server, client } = await connectedPair();
    expect(await code(client.connect(["127.0.0.1", server.localPort]))).toBe(
      "ERR_ALREADY_CONNECTED",
    );
  });

  test("connect on a listening socket: ERR_ALREADY_LISTENING", async () => {
    const server = await listeningServer();
    expect(await code(server.connect(["127.0.0.1", server.localPort]))).toBe(
      "ERR_ALREADY_LISTENING",
    );
  });

  test("listen on a connected socket: ERR_ALREADY_CONNECTED", async () => {
    const { client } = await connectedPair();
    expect(await code(client.listen(1))).toBe("ERR_ALREADY_CONNECTED");
  });

  test('send("text"): ERR_INVALID_ARGUMENT, saying to encode the text first', async () => {
    const { client } = await connectedPair();
    const err = await client.send("hello" as unknown as Buffer).catch((e) => e);
    expect(err).toMatchObject({ code: "ERR_INVALID_ARGUMENT" });
    expect(err.message).toMatch(
      /^send takes bytes: encode your text first, send\(encode\(message\)\)/,
    );
  });

  test.each([0, -1, 1.5, "1024"])("recv(%j): ERR_INVALID_ARGUMENT", async (n) => {
    const { client } = await connectedPair();
    expect(await code(client.recv(n as number))).toBe("ERR_INVALID_ARGUMENT");
  });

  test("a port out of range: ERR_INVALID_PORT saying ports are 16-bit numbers", async () => {
    await expect(socket().bind(["127.0.0.1", 70000])).rejects.toThrow(/ports are 16-bit numbers/);
    expect(await code(socket().connect(["127.0.0.1", -1]))).toBe("ERR_INVALID_PORT");
  });

  test("connect to port 0: ERR_INVALID_PORT", async () => {
    expect(await code(socket().connect(["127.0.0.1", 0]))).toBe("ERR_INVALID_PORT");
  });

  test("an IPv6 host on an AF_INET socket: ERR_INVALID_HOST", async () => {
    expect(await code(socket(AF_INET, SOCK_STREAM).connect(["::1", 80]))).toBe("ERR_INVALID_HOST");
  });

  test("shutdown with something else than SHUT_*: ERR_INVALID_ARGUMENT", async () => {
    const { client } = await connectedPair();
    expect(await code(client.shutdown("SHUT_UP" as never))).toBe("ERR_INVALID_ARGUMENT");
  });

  test("a timeout that is not a positive number: ERR_INVALID_ARGUMENT", async () => {
    const { client } = await connectedPair();
    expect(await code(client.recv(10, { timeout: -5 }))).toBe("ERR_INVALID_ARGUMENT");
  });

  test("getpeername on a socket that never connected throws ERR_NOT_CONNECTED", () => {
    expect(() => socket().getpeername()).toThrow(
      expect.objectContaining({ code: "ERR_NOT_CONNECTED" }),
    );
  });
});
