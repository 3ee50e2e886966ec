import { createSocket } from "node:dgram";
import { inspect } from "node:util";

import { afterEach, describe, expect, test, vi } from "vitest";

import * as bytes from "../src/bytes";
import { AF_INET, AF_INET6, SOCK_DGRAM } from "../src/constants";
import { DatagramSocket } from "../src/datagram-socket";
import { socket } from "../src/socket";
import { startRecording, type TraceEvent } from "../src/trace";
import { closeAll } from "../src/tracker";

afterEach(async () => {
  await closeAll();
});

async function boundPair() {
  const server = socket(AF_INET, SOCK_DGRAM);
  await server.bind(["127.0.0.1", 0]);
  const client = socket(AF_INET, SOCK_DGRAM);
  await client.bind(["127.0.0.1", 0]);
  return { server, client, to: ["127.0.0.1", server.localPort] as [string, number] };
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: { code: string }) => e.code,
  );

describe("bind", () => {
  test("port 0 picks a free port, readable as localPort and from getsockname", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(["127.0.0.1", 0]);
    expect(udp.state).toBe("bound");
    expect(udp.localPort).toBeGreaterThan(0);
    expect(udp.getsockname()).toEqual(["127.0.0.1", udp.localPort]);
  });

  test("a bare port binds to loopback", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(0);
    expect(udp.localAddress).toBe("127.0.0.1");
  });

  test("binding twice rejects with ERR_ALREADY_BOUND", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(0);
    expect(await code(udp.bind(0))).toBe("ERR_ALREADY_BOUND");
  });

  test("a port another program holds rejects with EADDRINUSE", async () => {
    const other = createSocket("udp4");
    await new Promise<void>((resolve) => other.bind(0, "127.0.0.1", resolve));
    const udp = socket(AF_INET, SOCK_DGRAM);
    const err = await udp.bind(["127.0.0.1", other.address().port]).catch((e) => e);
    other.close();
    expect(err).toMatchObject({ name: "SocketError", code: "EADDRINUSE", syscall: "bind" });
    expect(udp.state).toBe("fresh");
  });

  test("an invalid port rejects with ERR_INVALID_PORT", async () => {
    expect(await code(socket(AF_INET, SOCK_DGRAM).bind(["127.0.0.1", 65536]))).toBe(
      "ERR_INVALID_PORT",
    );
  });
});

describe("sendto and recvfrom", () => {
  test("a datagram goes round trip with its sender's address", async () => {
    const { server, client, to } = await boundPair();
    expect(await client.sendto(Buffer.from("ping"), to)).toBe(4);
    const [data, sender] = await server.recvfrom(1024, { timeout: 5000 });
    expect(data.toString()).toBe("ping");
    expect(sender).toEqual(client.getsockname());
    await server.sendto(Buffer.from("pong"), sender);
    const [reply] = await client.recvfrom(1024, { timeout: 5000 });
    expect(reply.toString()).toBe("pong");
  });

  test("message boundaries are kept: each recvfrom returns one datagram", async () => {
    const { server, client, to } = await boundPair();
    for (const m of ["a", "bb", "ccc"]) await client.sendto(Buffer.from(m), to);
    const got = [];
    for (let i = 0; i < 3; i++)
      got.push((await server.recvfrom(1024, { timeout: 5000 }))[0].toString());
    expect(got).toEqual(["a", "bb", "ccc"]);
  });

  test("a datagram longer than recvfrom's size is cut, the rest is lost, as in Python", async () => {
    const { server, client, to } = await boundPair();
    await client.sendto(Buffer.from("0123456789"), to);
    await client.sendto(Buffer.from("next"), to);
    expect((await server.recvfrom(4, { timeout: 5000 }))[0].toString()).toBe("0123");
    expect((await server.recvfrom(100, { timeout: 5000 }))[0].toString()).toBe("next");
  });

  test("an empty datagram arrives as an empty buffer", async () => {
    const { server, client, to } = await boundPair();
    expect(await client.sendto(Buffer.alloc(0), to)).toBe(0);
    const [data] = await server.recvfrom(10, { timeout: 5000 });
    expect(data.length).toBe(0);
  });

  test("sendto on an unbound socket binds it to a free loopback port first", async () => {
    const { server, to } = await boundPair();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.sendto(Buffer.from("hi"), to);
    expect(client.state).toBe("bound");
    expect(client.localAddress).toBe("127.0.0.1");
    const [, sender] = await server.recvfrom(10, { timeout: 5000 });
    expect(sender).toEqual(client.getsockname());
  });

  test("datagrams that arrive before recvfrom wait in the queue", async () => {
    const { server, client, to } = await boundPair();
    await client.sendto(Buffer.from("early"), to);
    await vi.waitFor(() => expect(queued(server)).toBe(1));
    expect((await server.recvfrom(10))[0].toString()).toBe("early");
  });

  test("a full queue drops the newest datagrams and counts them", async () => {
    const server = new DatagramSocket(AF_INET, { maxQueuedDatagrams: 3 });
    await server.bind(0);
    const client = socket(AF_INET, SOCK_DGRAM);
    for (let i = 1; i <= 5; i++)
      await client.sendto(Buffer.from(String(i)), ["127.0.0.1", server.localPort]);
    await vi.waitFor(() => expect(server.droppedDatagrams).toBe(2));
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await server.recvfrom(10))[0].toString());
    expect(got).toEqual(["1", "2", "3"]);
  });

  test("AF_INET6 works on ::1", async () => {
    const server = socket(AF_INET6, SOCK_DGRAM);
    await server.bind(["::1", 0]);
    const client = socket(AF_INET6, SOCK_DGRAM);
    await client.sendto(Buffer.from("six"), ["::1", server.localPort]);
    const [data, [host]] = await server.recvfrom(10, { timeout: 5000 });
    expect(data.toString()).toBe("six");
    expect(host).toBe("::1");
  });

  test("a datagram too large for UDP rejects with EMSGSIZE, named sendto (Node's send kept in nodeSyscall)", async () => {
    const { client, to } = await boundPair();
    const err = await client.sendto(Buffer.alloc(70_000), to).catch((e) => e);
    expect(err).toMatchObject({
      name: "SocketError",
      code: "EMSGSIZE",
      syscall: "sendto",
      nodeSyscall: "send",
      hint: expect.stringMatching(/65,507/),
    });
    expect(err.message).toMatch(/^sendto EMSGSIZE /);
    expect(err.cause).toMatchObject({ code: "EMSGSIZE", syscall: "send" });
  });
});

describe("misuse and timeouts", () => {
  test('sendto("text") rejects with ERR_INVALID_ARGUMENT, saying to encode first', async () => {
    const { client, to } = await boundPair();
    await expect(client.sendto("ping" as unknown as Buffer, to)).rejects.toThrow(
      /sendto takes bytes: encode your text first/,
    );
  });

  test("sendto to port 0 rejects with ERR_INVALID_PORT", async () => {
    expect(await code(socket(AF_INET, SOCK_DGRAM).sendto(Buffer.from("x"), ["127.0.0.1", 0]))).toBe(
      "ERR_INVALID_PORT",
    );
  });

  test("recvfrom before bind rejects with ERR_NOT_BOUND", async () => {
    expect(await code(socket(AF_INET, SOCK_DGRAM).recvfrom(10))).toBe("ERR_NOT_BOUND");
  });

  test("recvfrom(0) rejects with ERR_INVALID_ARGUMENT", async () => {
    const { server } = await boundPair();
    expect(await code(server.recvfrom(0))).toBe("ERR_INVALID_ARGUMENT");
  });

  test("recvfrom rejects with ERR_TIMEOUT naming the address and the milliseconds", async () => {
    const { server } = await boundPair();
    const err = await server.recvfrom(10, { timeout: 20 }).catch((e) => e);
    expect(err.code).toBe("ERR_TIMEOUT");
    expect(err.message).toBe(
      `recvfrom timed out after 20 ms waiting for a datagram on 127.0.0.1:${server.localPort}`,
    );
  });

  test("a datagram after a recvfrom timed out goes to the next recvfrom", async () => {
    const { server, client, to } = await boundPair();
    await expect(server.recvfrom(10, { timeout: 10 })).rejects.toMatchObject({
      code: "ERR_TIMEOUT",
    });
    await client.sendto(Buffer.from("later"), to);
    expect((await server.recvfrom(10))[0].toString()).toBe("later");
  });

  test("use after close rejects with ERR_SOCKET_CLOSED", async () => {
    const { client, to } = await boundPair();
    await client.close();
    expect(await code(client.sendto(Buffer.from("x"), to))).toBe("ERR_SOCKET_CLOSED");
    expect(await code(client.recvfrom(10))).toBe("ERR_SOCKET_CLOSED");
  });

  test("a waiting recvfrom rejects with ERR_SOCKET_CLOSED on close", async () => {
    const { server } = await boundPair();
    const receiving = server.recvfrom(10).catch((e) => e);
    await server.close();
    expect(await receiving).toMatchObject({ code: "ERR_SOCKET_CLOSED" });
  });
});

describe("close", () => {
  test("frees the port and keeps the address readable", async () => {
    const { server } = await boundPair();
    const port = server.localPort;
    await server.close();
    expect(server.getsockname()).toEqual(["127.0.0.1", port]);
    const other = createSocket("udp4");
    await new Promise<void>((resolve) => other.bind(port, "127.0.0.1", resolve));
    other.close();
  });

  test("closing twice is harmless and leaves no UDP handle open", async () => {
    const handles = () => process.getActiveResourcesInfo().filter((r) => r === "UDPWrap").length;
    const before = handles();
    const { server, client } = await boundPair();
    await server.close();
    await server.close();
    await client.close();
    expect(handles()).toBe(before);
  });

  test("a notebook shows the socket's id, state and address", async () => {
    const { server } = await boundPair();
    expect(inspect(server)).toMatch(/^DatagramSocket #\d+ bound 127\.0\.0\.1:\d+$/);
  });
});

describe("recording", () => {
  /** The events without their times, which change from run to run. */
  const untimed = (events: TraceEvent[]) => events.map(({ time: _, ...rest }) => rest);

  test("bind, sendto, recvfrom and close are recorded with both ends' addresses", async () => {
    const rec = startRecording();
    const server = socket(AF_INET, SOCK_DGRAM);
    await server.bind(["127.0.0.1", 0]);
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.sendto(Buffer.from("ping"), ["127.0.0.1", server.localPort]);
    const [data, sender] = await server.recvfrom(1024, { timeout: 5000 });
    await server.sendto(data, sender);
    await client.recvfrom(1024, { timeout: 5000 });
    await client.close();
    await server.close();
    const s: [string, number] = ["127.0.0.1", server.localPort];
    const c: [string, number] = ["127.0.0.1", client.localPort];
    const ping = { bytes: 4, preview: "ping" };
    expect(untimed(rec.stop())).toEqual([
      { side: "server", kind: "bind", socketId: server.id, local: s },
      { side: "client", kind: "sendto", socketId: client.id, ...ping, local: c, peer: s },
      { side: "server", kind: "recvfrom", socketId: server.id, ...ping, local: s, peer: c },
      { side: "server", kind: "sendto", socketId: server.id, ...ping, local: s, peer: c },
      { side: "client", kind: "recvfrom", socketId: client.id, ...ping, local: c, peer: s },
      { side: "client", kind: "close", socketId: client.id, local: c },
      { side: "server", kind: "close", socketId: server.id, local: s },
    ]);
  });

  test("a sendto to a port where nobody listens is recorded with that destination", async () => {
    const probe = socket(AF_INET, SOCK_DGRAM);
    await probe.bind(["127.0.0.1", 0]);
    const nobody = probe.localPort;
    await probe.close();
    const client = socket(AF_INET, SOCK_DGRAM);
    const rec = startRecording();
    await client.sendto(Buffer.from("anybody?"), ["127.0.0.1", nobody]);
    const [sent] = rec.stop();
    expect(sent).toMatchObject({ kind: "sendto", bytes: 8, peer: ["127.0.0.1", nobody] });
    expect(sent.local).toEqual(["127.0.0.1", client.localPort]);
  });

  test("a recvfrom that cuts a datagram records the bytes it returned", async () => {
    const { server, client, to } = await boundPair();
    await client.sendto(Buffer.from("0123456789"), to);
    const rec = startRecording();
    await server.recvfrom(4, { timeout: 5000 });
    expect(rec.stop().map((e) => [e.kind, e.bytes, e.preview])).toEqual([["recvfrom", 4, "0123"]]);
  });

  test("a socket closed before it had a port records nothing", async () => {
    const rec = startRecording();
    await socket(AF_INET, SOCK_DGRAM).close();
    expect(rec.stop()).toEqual([]);
  });

  test("sendto and recvfrom build no trace event while nothing records", async () => {
    const { server, client, to } = await boundPair();
    const previews = vi.spyOn(bytes, "preview");
    try {
      await client.sendto(Buffer.from("quiet"), to);
      await server.recvfrom(10, { timeout: 5000 });
      expect(previews).not.toHaveBeenCalled();
      const rec = startRecording();
      await client.sendto(Buffer.from("heard"), to);
      await server.recvfrom(10, { timeout: 5000 });
      rec.stop();
      expect(previews).toHaveBeenCalledTimes(2); // the spy does see the sockets' calls
    } finally {
      previews.mockRestore();
    }
  });
});

/** Datagrams received and not yet read (white box: the queue). */
function queued(sock: DatagramSocket): number {
  return (sock as unknown as { queue: { length: number } }).queue.length;
}
