import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, test } from "vitest";
import { ECHO_PORT, type EchoServer, echoOnce, startEchoServer } from "../../src/course/echo";
import type { Address } from "../../src/sockets/address";
import { closeAll } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";
import { decode, encode } from "../../src/sockets/text";
import { recvAll, refusedPort } from "../support/stream-pair";

const servers: EchoServer[] = [];
async function start(options: Parameters<typeof startEchoServer>[0] = {}): Promise<EchoServer> {
  const server = await startEchoServer(options);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const at = (server: EchoServer): Address => ["127.0.0.1", server.port];

describe("startEchoServer", () => {
  test("the server listens on loopback on a free port by default", async () => {
    const server = await start();
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
    expect(server.address).toEqual(["127.0.0.1", server.port]);
  });

  test("the lecture's port is 12345", () => {
    expect(ECHO_PORT).toBe(12345);
  });

  test("a client gets its message back", async () => {
    const server = await start();
    expect(await echoOnce(at(server), "hello")).toBe("hello");
  });

  test("the server serves one client after another without restarting", async () => {
    const messages: string[] = [];
    const server = await start({ onMessage: ({ text }) => void messages.push(text) });
    for (const word of ["one", "two", "three"]) {
      expect(await echoOnce(at(server), word)).toBe(word);
    }
    expect(messages).toEqual(["one", "two", "three"]);
    expect(server.served).toBe(3);
  });

  test("onMessage gets the text, the exact bytes and the client's address", async () => {
    const seen: Array<{ text: string; bytes: number[]; client: Address }> = [];
    let clientPort = 0;
    const server = await start({
      onConnection: (client) => {
        clientPort = client[1];
      },
      onMessage: ({ text, bytes, client }) => void seen.push({ text, bytes: [...bytes], client }),
    });
    await echoOnce(at(server), "héllo");
    expect(seen).toEqual([
      { text: "héllo", bytes: [...encode("héllo")], client: ["127.0.0.1", clientPort] },
    ]);
    expect(clientPort).toBeGreaterThan(0);
  });

  test("onDisconnect is told once the connection is closed", async () => {
    const events: string[] = [];
    const server = await start({
      onConnection: () => void events.push("connection"),
      onMessage: () => void events.push("message"),
      onDisconnect: () => void events.push("disconnect"),
    });
    await echoOnce(at(server), "x");
    await server.close();
    expect(events).toEqual(["connection", "message", "disconnect"]);
  });

  test("a second client waits until the first is served, as in the lecture", async () => {
    const order: string[] = [];
    const server = await start({ backlog: 2, onMessage: ({ text }) => void order.push(text) });
    const first = socket();
    await first.connect(at(server), { timeout: 5000 });
    // The second client connects (the system queues it) and sends while the first is silent.
    const second = echoOnce(at(server), "second", { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual([]);
    await first.send(encode("first"));
    expect(decode(await recvAll(first))).toBe("first");
    await first.close();
    expect(await second).toBe("second");
    expect(order).toEqual(["first", "second"]);
  });

  test("the server closes the connection after echoing, so the client sees the end of stream", async () => {
    const server = await start();
    const client = socket();
    await client.connect(at(server), { timeout: 5000 });
    await client.send(encode("bye"));
    expect(decode(await client.recv(1024, { timeout: 5000 }))).toBe("bye");
    expect((await client.recv(1024, { timeout: 5000 })).length).toBe(0);
    await client.close();
  });

  test("in the lecture's once mode a single recv of at most 1024 bytes is echoed", async () => {
    const sizes: number[] = [];
    const server = await start({ onMessage: ({ bytes }) => void sizes.push(bytes.length) });
    const client = socket();
    await client.connect(at(server), { timeout: 5000 });
    await client.send(Buffer.alloc(3000, 0x61));
    // The server echoes at most 1024 bytes, then closes with the rest unread: the client may see
    // the end of stream or a reset, but never more than 1024 bytes.
    const reply = await recvAll(client).catch(() => Buffer.alloc(0));
    await client.close();
    await server.close();
    expect(sizes).toHaveLength(1);
    expect(sizes[0]).toBeGreaterThan(0);
    expect(sizes[0]).toBeLessThanOrEqual(1024);
    expect(reply.length).toBeLessThanOrEqual(1024);
  });

  test("in until-eof mode every piece is echoed until the client half-closes", async () => {
    const server = await start({ mode: "until-eof" });
    const client = socket();
    await client.connect(at(server), { timeout: 5000 });
    for (const piece of ["a", "bc", "def"]) {
      await client.send(encode(piece));
      expect(decode(await client.recv(1024, { timeout: 5000 }))).toBe(piece);
    }
    await client.shutdown("SHUT_WR");
    expect((await client.recv(1024, { timeout: 5000 })).length).toBe(0);
    await client.close();
  });

  test("in until-eof mode a character cut between pieces reaches onMessage whole", async () => {
    const texts: string[] = [];
    const server = await start({
      mode: "until-eof",
      onMessage: ({ text }) => void texts.push(text),
    });
    const client = socket();
    await client.connect(at(server), { timeout: 5000 });
    const bytes = encode("é");
    await client.send(bytes.subarray(0, 1));
    await client.recv(1, { timeout: 5000 });
    await client.send(bytes.subarray(1));
    await client.recv(1, { timeout: 5000 });
    await client.close();
    await server.close();
    expect(texts).toEqual(["", "é"]);
  });

  test("a 64 MiB random payload is echoed byte-exact in until-eof mode", async () => {
    const server = await start({ mode: "until-eof" });
    const payload = randomBytes(64 * 1024 * 1024);
    const reply = await echoOnce(at(server), payload, { timeout: 30_000 });
    expect(reply.length).toBe(payload.length);
    expect(reply.equals(payload)).toBe(true);
  });

  test("a failure with one client is reported and the server serves the next", async () => {
    const errors: Array<[string | undefined, Address | undefined]> = [];
    let first = true;
    const server = await start({
      onConnection: () => {
        if (!first) return;
        first = false;
        throw Object.assign(new Error("callback failed"), { code: "TEST" });
      },
      onError: (error, client) => void errors.push([(error as { code?: string }).code, client]),
    });
    // The first connection is closed without an echo (the client sees the end of stream, or a
    // reset if its "x" arrived after the close); the next client is served as usual.
    const firstReply = await echoOnce(at(server), "x", { timeout: 5000 }).catch(
      (e: { code?: string }) => e.code,
    );
    expect(["", "ECONNRESET", "EPIPE"]).toContain(firstReply);
    expect(await echoOnce(at(server), "y", { timeout: 5000 })).toBe("y");
    expect(errors).toHaveLength(1);
    expect(errors[0][0]).toBe("TEST");
    expect(errors[0][1]?.[0]).toBe("127.0.0.1");
    expect(server.errors.map((e) => e.message)).toEqual(["callback failed"]);
    expect(server.served).toBe(2);
  });

  test("an empty message is echoed as an empty reply", async () => {
    const texts: string[] = [];
    const server = await start({ onMessage: ({ text }) => void texts.push(text) });
    expect(await echoOnce(at(server), "")).toBe("");
    await server.close();
    expect(texts).toEqual([""]);
  });

  test("after close nothing listens on the port any more", async () => {
    const server = await start();
    await server.close();
    await expect(echoOnce(at(server), "x")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  test("close ends the connection in progress and resolves", async () => {
    const server = await start();
    const client = socket();
    await client.connect(at(server), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the server accept it
    await server.close();
    expect((await client.recv(1024, { timeout: 5000 })).length).toBe(0);
    await client.close();
  });

  test("close can be called twice", async () => {
    const server = await start();
    await Promise.all([server.close(), server.close()]);
    await server.close();
  });

  test("closeAll stops the server and resolves its closed promise", async () => {
    const server = await start();
    await closeAll();
    await server.closed;
    await expect(echoOnce(at(server), "x")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  test("an invalid port rejects with ERR_INVALID_PORT", async () => {
    await expect(startEchoServer({ port: 70000 })).rejects.toMatchObject({
      code: "ERR_INVALID_PORT",
    });
  });

  test("an unknown mode is refused", async () => {
    await expect(startEchoServer({ mode: "twice" as never })).rejects.toThrow(
      /mode is "once" or "until-eof"/,
    );
  });
});

describe("echoOnce", () => {
  test("echoOnce rejects with ECONNREFUSED and a hint when no server listens", async () => {
    const port = await refusedPort();
    const error = await echoOnce(["127.0.0.1", port], "x").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ECONNREFUSED", syscall: "connect", port });
    expect((error as Error).message).toMatch(/nothing is listening on 127\.0\.0\.1:\d+/);
  });

  test("echoOnce returns bytes when given bytes", async () => {
    const server = await start();
    const reply = await echoOnce(at(server), Buffer.from([0, 1, 255]));
    expect(Buffer.isBuffer(reply)).toBe(true);
    expect([...reply]).toEqual([0, 1, 255]);
  });

  test("echoOnce accepts a bare port as the address (loopback)", async () => {
    const server = await start();
    expect(await echoOnce(server.port, "port only")).toBe("port only");
  });

  test("echoOnce closes its socket whatever happens", async () => {
    const server = await start();
    await echoOnce(at(server), "x");
    const port = await refusedPort();
    await echoOnce(["127.0.0.1", port], "x").catch(() => {});
    const { openSockets } = await import("../../src/sockets/open-sockets");
    // Only the echo server's listening socket remains.
    expect(openSockets()).toHaveLength(1);
  });
});
