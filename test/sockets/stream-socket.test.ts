import { afterEach, describe, expect, test } from "vitest";
import { AF_INET, AF_INET6, SHUT_WR, SOCK_STREAM } from "../../src/sockets/constants";
import { kUnrecv } from "../../src/sockets/internal/symbols";
import { closeAll } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";
import { startRecording } from "../../src/trace/recording";
import { connectedPair, listeningServer } from "../support/stream-pair";

afterEach(async () => {
  await closeAll();
});

describe("bind and listen", () => {
  test("bind records the address; the port stays 0 until listen binds for real", async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["127.0.0.1", 0]);
    expect(server.state).toBe("bound");
    expect(server.getsockname()).toEqual(["127.0.0.1", 0]);
  });

  test("a bare port binds to loopback", async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(0);
    expect(server.localAddress).toBe("127.0.0.1");
  });

  test("listen on port 0 picks a free port, readable as localPort and from getsockname", async () => {
    const server = await listeningServer();
    expect(server.state).toBe("listening");
    expect(server.localPort).toBeGreaterThan(0);
    expect(server.getsockname()).toEqual(["127.0.0.1", server.localPort]);
  });

  test('the lecture\'s "" host listens on all interfaces', async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["", 0]);
    await server.listen(1);
    expect(server.localAddress).toBe("0.0.0.0");
    const client = socket(AF_INET, SOCK_STREAM);
    await client.connect(["127.0.0.1", server.localPort]);
    expect(client.state).toBe("connected");
  });

  test("listening twice is harmless, as in Python", async () => {
    const server = await listeningServer();
    await server.listen(1);
    expect(server.state).toBe("listening");
  });

  test('"localhost" is resolved to the socket family\'s loopback', async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["localhost", 0]);
    await server.listen(1);
    expect(server.localAddress).toBe("127.0.0.1");
  });
});

describe("connect and accept", () => {
  test("accept resolves with the connection and the client's address", async () => {
    const server = await listeningServer();
    const client = socket(AF_INET, SOCK_STREAM);
    await client.connect(["127.0.0.1", server.localPort]);
    const [connection, clientAddress] = await server.accept();
    expect(clientAddress).toEqual(client.getsockname());
    expect(connection.state).toBe("connected");
    expect(connection.getpeername()).toEqual(clientAddress);
  });

  test("an accept called before the client connects resolves when it does", async () => {
    const server = await listeningServer();
    const accepting = server.accept();
    const client = socket(AF_INET, SOCK_STREAM);
    await client.connect(["127.0.0.1", server.localPort]);
    const [, clientAddress] = await accepting;
    expect(clientAddress).toEqual(client.getsockname());
  });

  test("both ends see the same connection from opposite sides", async () => {
    const { client, connection } = await connectedPair();
    expect(client.fourTuple).toEqual({
      localAddress: connection.remoteAddress,
      localPort: connection.remotePort,
      remoteAddress: connection.localAddress,
      remotePort: connection.localPort,
    });
  });

  test("a client bound first connects from the port it chose", async () => {
    const server = await listeningServer();
    const spare = await listeningServer();
    const freePort = spare.localPort;
    await spare.close();
    const client = socket(AF_INET, SOCK_STREAM);
    await client.bind(["127.0.0.1", freePort]);
    await client.connect(["127.0.0.1", server.localPort]);
    const [, clientAddress] = await server.accept();
    expect(clientAddress).toEqual(["127.0.0.1", freePort]);
  });

  test("several clients at once get distinct 4-tuples on the same server port", async () => {
    const server = await listeningServer();
    const clients = Array.from({ length: 5 }, () => socket(AF_INET, SOCK_STREAM));
    await Promise.all(clients.map((c) => c.connect(["127.0.0.1", server.localPort])));
    const connections = [];
    for (let i = 0; i < clients.length; i++) connections.push((await server.accept())[0]);
    const tuples = connections.map((c) => JSON.stringify(c.fourTuple));
    expect(new Set(tuples).size).toBe(5);
    for (const c of connections) expect(c.localPort).toBe(server.localPort);
    expect(new Set(connections.map((c) => c.remotePort)).size).toBe(5);
  });

  test("listen(1) still serves a burst of twenty clients connecting at once", async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["127.0.0.1", 0]);
    await server.listen(1);
    const clients = Array.from({ length: 20 }, () => socket(AF_INET, SOCK_STREAM));
    await Promise.all(clients.map((c) => c.connect(["127.0.0.1", server.localPort])));
    const addresses = [];
    for (let i = 0; i < 20; i++) addresses.push((await server.accept({ timeout: 10_000 }))[1]);
    expect(new Set(addresses.map(String)).size).toBe(20);
  });

  test("twenty accepts waiting at once are served without any warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const server = await listeningServer();
      const accepts = Array.from({ length: 20 }, () => server.accept());
      const clients = Array.from({ length: 20 }, () => socket(AF_INET, SOCK_STREAM));
      await Promise.all(clients.map((c) => c.connect(["127.0.0.1", server.localPort])));
      expect(await Promise.all(accepts)).toHaveLength(20);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map(String)).toEqual([]);
  });

  test("AF_INET6 works on ::1", async () => {
    const server = socket(AF_INET6, SOCK_STREAM);
    await server.bind(["::1", 0]);
    await server.listen(1);
    const client = socket(AF_INET6, SOCK_STREAM);
    await client.connect(["::1", server.localPort]);
    const [connection, clientAddress] = await server.accept();
    expect(clientAddress[0]).toBe("::1");
    await client.send(Buffer.from("six"));
    expect((await connection.recv(10)).toString()).toBe("six");
  });
});

describe("addresses", () => {
  test("a fresh socket's name is the any address and port 0, as in Python", () => {
    const sock = socket(AF_INET, SOCK_STREAM);
    expect(sock.getsockname()).toEqual(["0.0.0.0", 0]);
    expect(sock.fourTuple).toEqual({
      localAddress: "0.0.0.0",
      localPort: 0,
      remoteAddress: "",
      remotePort: 0,
    });
  });

  test("the 4-tuple stays readable after close", async () => {
    const { client } = await connectedPair();
    const before = client.fourTuple;
    await client.close();
    expect(client.state).toBe("closed");
    expect(client.fourTuple).toEqual(before);
    expect(client.getpeername()).toEqual([before.remoteAddress, before.remotePort]);
  });

  test("a listening socket's port stays readable after close", async () => {
    const server = await listeningServer();
    const port = server.localPort;
    await server.close();
    expect(server.localPort).toBe(port);
  });

  test("a notebook shows the socket's id, state and addresses", async () => {
    const { client } = await connectedPair();
    const { inspect } = await import("node:util");
    expect(inspect(client)).toMatch(
      /^StreamSocket #\d+ connected 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+$/,
    );
  });
});

describe("send and recv", () => {
  test("send resolves with the number of bytes and recv returns them", async () => {
    const { client, connection } = await connectedPair();
    expect(await client.send(Buffer.from("hello"))).toBe(5);
    expect((await connection.recv(1024)).toString()).toBe("hello");
  });

  test("send accepts any Uint8Array", async () => {
    const { client, connection } = await connectedPair();
    await client.send(new Uint8Array([1, 2, 3]));
    expect([...(await connection.recv(10))]).toEqual([1, 2, 3]);
  });

  test("sending no bytes resolves with 0", async () => {
    const { client } = await connectedPair();
    expect(await client.send(Buffer.alloc(0))).toBe(0);
  });

  test("bytesSent and bytesReceived count what send and recv moved", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("12345"));
    await connection.recv(3);
    expect(client.bytesSent).toBe(5);
    expect(connection.bytesReceived).toBe(3);
  });

  test("the server can answer on the connection", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("ping"));
    await connection.send(await connection.recv(1024));
    expect((await client.recv(1024)).toString()).toBe("ping");
  });
});

describe("close", () => {
  test("closing twice is harmless", async () => {
    const { client } = await connectedPair();
    await Promise.all([client.close(), client.close()]);
    await client.close();
    expect(client.state).toBe("closed");
  });

  test("closing the listener leaves accepted connections working", async () => {
    const { server, client, connection } = await connectedPair();
    await server.close();
    await client.send(Buffer.from("still here"));
    expect((await connection.recv(100)).toString()).toBe("still here");
  });

  test("closing the listener closes connections it had not accepted yet", async () => {
    const server = await listeningServer();
    const client = socket(AF_INET, SOCK_STREAM);
    await client.connect(["127.0.0.1", server.localPort]);
    await server.close();
    expect((await client.recv(10)).length).toBe(0);
  });

  test("after close the port is free: connecting to it is refused", async () => {
    const server = await listeningServer();
    await server.close();
    await expect(socket().connect(["127.0.0.1", server.localPort])).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });
});

describe("recording", () => {
  test("each step of a session is recorded with its side, socket id, bytes and 4-tuple", async () => {
    const rec = startRecording();
    const { server, client, connection } = await connectedPair();
    await client.send(Buffer.from("hello\nworld"));
    const data = await connection.recv(5);
    connection[kUnrecv](data.subarray(2));
    await client.shutdown(SHUT_WR);
    await client.close();
    await connection.close();
    await server.close();
    const steps = rec.stop().map((e) => [e.kind, e.side, e.socketId, e.bytes]);
    expect(steps).toEqual([
      ["listen", "server", server.id, undefined],
      ["connect", "client", client.id, undefined],
      ["accept", "server", connection.id, undefined],
      ["send", "client", client.id, 11],
      ["recv", "server", connection.id, 5],
      ["unrecv", "server", connection.id, 3],
      ["shutdown", "client", client.id, undefined],
      ["close", "client", client.id, undefined],
      ["close", "server", connection.id, undefined],
      ["close", "server", server.id, undefined],
    ]);
  });

  test("a recorded send carries a short preview and the connection's 4-tuple", async () => {
    const { client } = await connectedPair();
    const rec = startRecording();
    await client.send(Buffer.from("hello\n"));
    const [event] = rec.stop();
    expect(event).toMatchObject({ preview: "hello\\n", fourTuple: client.fourTuple });
    expect(event.time).toBeGreaterThanOrEqual(0);
  });
});
