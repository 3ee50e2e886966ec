/** StreamSocket's waits: timeouts, and close while a call is waiting. */
import { afterEach, describe, expect, test } from "vitest";
import { closeAll } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";
import { stop, unansweringServer } from "../support/processes";
import { connectedPair, listeningServer } from "../support/stream-pair";

afterEach(async () => {
  await closeAll();
});

describe("timeouts", () => {
  test("accept rejects with ERR_TIMEOUT naming the operation, the address and the milliseconds", async () => {
    const server = await listeningServer();
    const err = await server.accept({ timeout: 30 }).catch((e) => e);
    expect(err).toMatchObject({ name: "SocketUsageError", code: "ERR_TIMEOUT" });
    expect(err.message).toBe(
      `accept timed out after 30 ms waiting for a connection on 127.0.0.1:${server.localPort}`,
    );
  });

  test("a connection that comes after an accept timed out waits for the next accept", async () => {
    const server = await listeningServer();
    await expect(server.accept({ timeout: 10 })).rejects.toMatchObject({ code: "ERR_TIMEOUT" });
    const client = socket();
    await client.connect(["127.0.0.1", server.localPort]);
    const [, address] = await server.accept();
    expect(address).toEqual(client.getsockname());
  });

  test("recv rejects with ERR_TIMEOUT naming the peer and the milliseconds", async () => {
    const { client, connection } = await connectedPair();
    const err = await connection.recv(10, { timeout: 25 }).catch((e) => e);
    expect(err.code).toBe("ERR_TIMEOUT");
    expect(err.message).toBe(
      `recv timed out after 25 ms waiting for data from 127.0.0.1:${client.localPort}`,
    );
  });

  test("connect rejects with ERR_TIMEOUT when the server never answers", async () => {
    const { port, child } = await unansweringServer();
    try {
      // The system answers for the server until its backlog is full; then connects hang.
      let err: Error | undefined;
      for (let i = 0; i < 8 && !err; i++) {
        err = await socket()
          .connect(["127.0.0.1", port], { timeout: 300 })
          .then(
            () => undefined,
            (e) => e,
          );
      }
      expect(err).toMatchObject({ code: "ERR_TIMEOUT" });
      expect(err?.message).toBe(
        `connect timed out after 300 ms waiting for 127.0.0.1:${port} to answer`,
      );
    } finally {
      await stop(child);
    }
  });

  test("a wait that settles leaves no timer behind", async () => {
    const { client, connection } = await connectedPair();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const receiving = connection.recv(10, { timeout: 60_000 });
    await client.send(Buffer.from("x"));
    await receiving;
    await Promise.all([connection.close(), client.close()]);
    expect(timers()).toBe(before);
  });
});

describe("close while waiting", () => {
  test("a waiting accept rejects with ERR_SOCKET_CLOSED", async () => {
    const server = await listeningServer();
    const accepting = server.accept().catch((e) => e);
    await server.close();
    expect(await accepting).toMatchObject({ code: "ERR_SOCKET_CLOSED" });
  });

  test("a waiting recv rejects with ERR_SOCKET_CLOSED", async () => {
    const { connection } = await connectedPair();
    const receiving = connection.recv(10).catch((e) => e);
    await connection.close();
    expect(await receiving).toMatchObject({ code: "ERR_SOCKET_CLOSED" });
  });

  test("a listen in progress rejects with ERR_SOCKET_CLOSED and leaves no listener behind", async () => {
    const server = socket();
    await server.bind(0);
    const listening = server.listen(1).catch((e) => e);
    await server.close();
    expect(await listening).toMatchObject({ code: "ERR_SOCKET_CLOSED" });
    expect(server.state).toBe("closed");
    expect(process.getActiveResourcesInfo()).not.toContain("TCPServerWrap");
  });

  test("a connect in progress rejects with ERR_SOCKET_CLOSED", async () => {
    const { port, child } = await unansweringServer();
    try {
      const clients = Array.from({ length: 6 }, () => socket());
      const attempts = clients.map((c) =>
        c.connect(["127.0.0.1", port]).then(
          () => "connected",
          (e) => e.code,
        ),
      );
      await Promise.all(clients.map((c) => c.close()));
      const outcomes = await Promise.all(attempts);
      expect(outcomes).toContain("ERR_SOCKET_CLOSED");
    } finally {
      await stop(child);
    }
  });
});
