import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, AF_INET6, SOCK_DGRAM } from "../src/constants";
import { socket } from "../src/socket";
import { closeAll } from "../src/tracker";

afterEach(async () => {
  await closeAll();
});

async function udpServer(family: typeof AF_INET | typeof AF_INET6 = AF_INET) {
  const server = socket(family, SOCK_DGRAM);
  await server.bind([family === AF_INET ? "127.0.0.1" : "::1", 0]);
  return server;
}

/** A UDP port where nothing listens: bind port 0, read the port, close. */
async function silentPort(): Promise<number> {
  const udp = await udpServer();
  const port = udp.localPort;
  await udp.close();
  return port;
}

const fail = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { code: string; syscall?: string; message: string }) => e,
  );

describe("connect, send and recv", () => {
  test("connect ties the socket to a peer: send needs no address, recv returns the peer's answer", async () => {
    const server = await udpServer();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", server.localPort]);
    expect(client.state).toBe("connected");
    expect(client.getpeername()).toEqual(["127.0.0.1", server.localPort]);
    expect(client.localAddress).toBe("127.0.0.1");
    expect(await client.send(Buffer.from("ping"))).toBe(4);
    const [data, sender] = await server.recvfrom(1024, { timeout: 5000 });
    expect(String(data)).toBe("ping");
    expect(sender).toEqual(client.getsockname());
    await server.sendto(Buffer.from("pong"), sender);
    expect(String(await client.recv(1024, { timeout: 5000 }))).toBe("pong");
  });

  test("a connected socket receives only its peer's datagrams, as the system filters them", async () => {
    const server = await udpServer();
    const stranger = await udpServer();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", server.localPort]);
    await stranger.sendto(Buffer.from("not for you"), client.getsockname());
    await server.sendto(Buffer.from("for you"), client.getsockname());
    const [data, from] = await client.recvfrom(1024, { timeout: 5000 });
    expect([String(data), from]).toEqual(["for you", ["127.0.0.1", server.localPort]]);
  });

  test("connecting again changes the peer, as in Python", async () => {
    const first = await udpServer();
    const second = await udpServer();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", first.localPort]);
    await client.connect(["127.0.0.1", second.localPort]);
    expect(client.remotePort).toBe(second.localPort);
    await client.send(Buffer.from("hi"));
    const [, from] = await second.recvfrom(10, { timeout: 5000 });
    expect(from).toEqual(client.getsockname());
  });

  test("AF_INET6 connects on ::1", async () => {
    const server = await udpServer(AF_INET6);
    const client = socket(AF_INET6, SOCK_DGRAM);
    await client.connect(["::1", server.localPort]);
    await client.send(Buffer.from("six"));
    const [data] = await server.recvfrom(10, { timeout: 5000 });
    expect(String(data)).toBe("six");
    expect(client.getpeername()).toEqual(["::1", server.localPort]);
  });

  test("recv on an unconnected bound socket returns a datagram from anyone, without the address", async () => {
    const server = await udpServer();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.sendto(Buffer.from("hello"), ["127.0.0.1", server.localPort]);
    expect(String(await server.recv(1024, { timeout: 5000 }))).toBe("hello");
  });

  test("disconnect unties the socket: sendto works again, and getpeername says there is no peer", async () => {
    const server = await udpServer();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", server.localPort]);
    await client.disconnect();
    expect(client.state).toBe("bound");
    expect(() => client.getpeername()).toThrow(
      expect.objectContaining({ code: "ERR_NOT_CONNECTED" }),
    );
    await client.sendto(Buffer.from("again"), ["127.0.0.1", server.localPort]);
    expect(String((await server.recvfrom(10, { timeout: 5000 }))[0])).toBe("again");
  });
});

describe("nothing listening: ECONNREFUSED for the connected socket, silence for the other", () => {
  test("the next recv of a connected socket rejects with ECONNREFUSED, saying what it means", async () => {
    const port = await silentPort();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", port]);
    await client.send(Buffer.from("anyone?"));
    const err = await fail(client.recv(1024, { timeout: 5000 }));
    expect(err).toMatchObject({ name: "SocketError", code: "ECONNREFUSED", syscall: "recv", port });
    expect(err?.message).toMatch(
      /nothing is listening on UDP 127\.0\.0\.1:\d+.*ICMP "port unreachable"/,
    );
  });

  test("the refusal is reported once, by the next send if no recv came first, and then sending works again", async () => {
    const port = await silentPort();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", port]);
    await client.send(Buffer.from("one"));
    // Wait until the ICMP answer has come back: a recv that is refused shows it has.
    await fail(client.recv(10, { timeout: 5000 }));
    await client.send(Buffer.from("two"));
    // Let the second answer arrive while nothing waits: the next call meets it.
    for (let turn = 0; turn < 200; turn++) {
      const err = await fail(client.send(Buffer.from("three")));
      if (err) {
        expect(err).toMatchObject({ code: "ECONNREFUSED", syscall: "send" });
        expect(await client.send(Buffer.from("four"))).toBe(4);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("the refusal never reached send");
  });

  test("a waiting recv is woken by the refusal", async () => {
    const port = await silentPort();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", port]);
    const waiting = fail(client.recv(10, { timeout: 5000 }));
    await client.send(Buffer.from("anyone?"));
    expect(await waiting).toMatchObject({ code: "ECONNREFUSED", syscall: "recv" });
  });

  test("an unconnected socket hears nothing: sendto succeeds and recvfrom only times out", async () => {
    const port = await silentPort();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.sendto(Buffer.from("anyone?"), ["127.0.0.1", port]);
    const err = await fail(client.recvfrom(10, { timeout: 300 }));
    expect(err).toMatchObject({ code: "ERR_TIMEOUT" });
    expect(await client.sendto(Buffer.from("again"), ["127.0.0.1", port])).toBe(5);
  });
});

describe("misuse", () => {
  test("send on a socket that is not connected is EDESTADDRREQ, as in Python, saying to use sendto", async () => {
    const udp = await udpServer();
    const err = await fail(udp.send(Buffer.from("x")));
    expect(err).toMatchObject({ name: "SocketError", code: "EDESTADDRREQ", syscall: "send" });
    expect(err?.message).toContain("sendto(data, address)");
  });

  test("sendto on a connected socket is refused, saying to use send or disconnect", async () => {
    const server = await udpServer();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", server.localPort]);
    const err = await fail(client.sendto(Buffer.from("x"), ["127.0.0.1", server.localPort]));
    expect(err).toMatchObject({ code: "ERR_ALREADY_CONNECTED" });
    expect(err?.message).toContain("send(data)");
  });

  test("disconnect on a socket that is not connected is ERR_NOT_CONNECTED", async () => {
    const udp = await udpServer();
    expect(await fail(udp.disconnect())).toMatchObject({ code: "ERR_NOT_CONNECTED" });
  });

  test("connect to port 0 is ERR_INVALID_PORT; send of text is ERR_INVALID_ARGUMENT", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    expect(await fail(udp.connect(["127.0.0.1", 0]))).toMatchObject({ code: "ERR_INVALID_PORT" });
    expect(await fail(udp.send("text" as never))).toMatchObject({ code: "ERR_INVALID_ARGUMENT" });
  });

  test("connect after close is ERR_SOCKET_CLOSED", async () => {
    const udp = await udpServer();
    await udp.close();
    expect(await fail(udp.connect(["127.0.0.1", 9]))).toMatchObject({ code: "ERR_SOCKET_CLOSED" });
  });

  test("a notebook shows a connected socket with its peer", async () => {
    const { inspect } = await import("node:util");
    const server = await udpServer();
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.connect(["127.0.0.1", server.localPort]);
    expect(inspect(client)).toBe(
      `DatagramSocket #${client.id} connected 127.0.0.1:${client.localPort} -> 127.0.0.1:${server.localPort}`,
    );
  });
});
