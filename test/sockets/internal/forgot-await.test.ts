import { inspect } from "node:util";

import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM } from "../../../src/sockets/constants";
import { closeAll } from "../../../src/sockets/open-sockets";
import { socket } from "../../../src/sockets/socket";
import { decode } from "../../../src/sockets/text";
import { connectedPair, listeningServer } from "../../support/stream-pair";

afterEach(async () => {
  await closeAll();
});

describe("unpacking a Promise instead of awaiting it (a forgotten await)", () => {
  test("const [c, a] = server.accept() throws at once, saying await is missing and what to write", async () => {
    const server = await listeningServer();
    expect(() => {
      const [connection] = server.accept();
      return connection;
    }).toThrow(
      expect.objectContaining({
        code: "ERR_INVALID_ARGUMENT",
        message:
          "accept() returns a Promise: did you forget `await`? Write `const [connection, clientAddress] = await server.accept()`",
      }),
    );
  });

  test("the same for a UDP recvfrom", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(0);
    expect(() => {
      const [data] = udp.recvfrom(1024);
      return data;
    }).toThrow(/^recvfrom\(\) returns a Promise: did you forget `await`\?/);
  });

  test("the connection that accept took is not lost: the corrected accept gets it, whether it came before or after", async () => {
    const server = await listeningServer();
    const early = socket();
    await early.connect(["127.0.0.1", server.localPort]);
    expect(() => {
      const [c] = server.accept();
      return c;
    }).toThrow(/did you forget `await`/);
    const [first] = await server.accept({ timeout: 5000 });
    expect(first.remotePort).toBe(early.localPort);

    expect(() => {
      const [c] = server.accept();
      return c;
    }).toThrow(/did you forget `await`/);
    const accepting = server.accept({ timeout: 5000 });
    const late = socket();
    await late.connect(["127.0.0.1", server.localPort]);
    const [second] = await accepting;
    expect(second.remotePort).toBe(late.localPort);
  });

  test("the datagram that recvfrom took is not lost: the corrected recvfrom gets it, whether it came before or after", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(0);
    const sender = socket(AF_INET, SOCK_DGRAM);
    await sender.sendto(Buffer.from("early"), ["127.0.0.1", udp.localPort]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // it has arrived
    expect(() => {
      const [d] = udp.recvfrom(1024);
      return d;
    }).toThrow(/did you forget `await`/);
    const [first] = await udp.recvfrom(1024, { timeout: 5000 });
    expect(first.toString()).toBe("early");

    expect(() => {
      const [d] = udp.recvfrom(1024);
      return d;
    }).toThrow(/did you forget `await`/);
    const receiving = udp.recvfrom(1024, { timeout: 5000 });
    await sender.sendto(Buffer.from("late"), ["127.0.0.1", udp.localPort]);
    const [second, from] = await receiving;
    expect(second.toString()).toBe("late");
    expect(from).toEqual(sender.getsockname());
  });

  test("the bytes a recv took are not lost when it is decoded without await: the corrected recv gets them", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("hello"));
    await new Promise((resolve) => setTimeout(resolve, 50)); // they have arrived
    expect(() => decode(connection.recv(1024))).toThrow(/did you forget `await`/);
    expect(decode(await connection.recv(1024, { timeout: 5000 }))).toBe("hello");

    expect(() => decode(connection.recv(1024))).toThrow(/did you forget `await`/);
    const receiving = connection.recv(1024, { timeout: 5000 });
    await client.send(Buffer.from("later"));
    expect(decode(await receiving)).toBe("later");
  });

  test("data.toString() and a template string of a recv without await say so too, and keep the bytes", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("hello"));
    expect(() => connection.recv(1024).toString()).toThrow(
      "recv() returns a Promise: did you forget `await`? Write `const data = await sock.recv(1024)`",
    );
    expect(() => `${connection.recv(1024)}`).toThrow(/did you forget `await`/);
    expect(decode(await connection.recv(1024, { timeout: 5000 }))).toBe("hello");
  });

  test("printed, the Promise of a recv or accept says await is missing, and can still be awaited", async () => {
    const { client, connection, server } = await connectedPair();
    const receiving = connection.recv(1024, { timeout: 5000 });
    expect(inspect(receiving)).toBe(
      "Promise { <pending> } (recv() returns a Promise: did you forget `await`? const data = await sock.recv(1024))",
    );
    expect(inspect(server.accept({ timeout: 5000 }))).toMatch(
      /^Promise \{ <pending> \} \(accept\(\) returns a Promise: did you forget `await`\? const \[connection, clientAddress\] = await server\.accept\(\)\)$/,
    );
    await client.send(Buffer.from("still here"));
    expect(decode(await receiving)).toBe("still here");
    await closeAll();
  });

  test("the same for send(sock.recv(...)) and for a UDP recv", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("echo me"));
    await expect(client.send(connection.recv(1024) as never)).rejects.toThrow(
      /did you forget `await`/,
    );
    expect(decode(await connection.recv(1024, { timeout: 5000 }))).toBe("echo me");

    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(0);
    const sender = socket(AF_INET, SOCK_DGRAM);
    expect(() => decode(udp.recv(1024))).toThrow(/did you forget `await`/);
    const receiving = udp.recv(1024, { timeout: 5000 });
    await sender.sendto(Buffer.from("datagram"), ["127.0.0.1", udp.localPort]);
    expect(decode(await receiving)).toBe("datagram");
  });

  test("awaited, accept resolves with the pair as before", async () => {
    const server = await listeningServer();
    const accepting = server.accept({ timeout: 5000 });
    await socket().connect(["127.0.0.1", server.localPort]);
    const [connection, address] = await accepting;
    expect(address).toEqual(connection.getpeername());
  });
});
