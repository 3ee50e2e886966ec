/** StreamSocket's data path: recv's semantics, large and fragmented payloads, half-close. */
import { randomBytes } from "node:crypto";

import { afterEach, describe, expect, test, vi } from "vitest";
import { SHUT_RD, SHUT_RDWR, SHUT_WR } from "../../src/sockets/constants";
import {
  RECEIVE_HIGH_WATER_MARK,
  type ReceiveQueue,
} from "../../src/sockets/internal/receive-queue";
import { kUnrecv } from "../../src/sockets/internal/symbols";
import { closeAll } from "../../src/sockets/open-sockets";
import type { StreamSocket } from "../../src/sockets/stream-socket";
import { connectedPair, recvAll } from "../support/stream-pair";

afterEach(async () => {
  await closeAll();
});

describe("recv", () => {
  test("recv(n) resolves with at most n bytes and keeps the rest for the next call", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("0123456789"));
    await vi.waitFor(() => expect(unread(connection)).toBe(10));
    expect((await connection.recv(4)).toString()).toBe("0123");
    expect((await connection.recv(100)).toString()).toBe("456789");
  });

  test("recv resolves as soon as some bytes are there, fewer than asked for", async () => {
    const { client, connection } = await connectedPair();
    const receiving = connection.recv(1024);
    await client.send(Buffer.from("abc"));
    expect((await receiving).toString()).toBe("abc");
  });

  test("recv resolves with an empty buffer when the peer closes, and again after that", async () => {
    const { client, connection } = await connectedPair();
    await client.close();
    expect((await connection.recv(1024)).length).toBe(0);
    expect((await connection.recv(1024)).length).toBe(0);
  });

  test("bytes sent just before close are all received before the empty buffer", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("last words"));
    await client.close();
    expect((await recvAll(connection)).toString()).toBe("last words");
  });

  test("recv calls made together are served in call order", async () => {
    const { client, connection } = await connectedPair();
    const first = connection.recv(2);
    const second = connection.recv(2);
    await client.send(Buffer.from("abcd"));
    expect((await first).toString()).toBe("ab");
    expect((await second).toString()).toBe("cd");
  });

  test("no byte is lost or reordered across thousands of small writes", async () => {
    const { client, connection } = await connectedPair();
    const expected = randomBytes(200_000);
    const sending = (async () => {
      for (let at = 0; at < expected.length; ) {
        const size = 1 + (at % 7);
        await client.send(expected.subarray(at, at + size));
        at += size;
      }
      await client.close();
    })();
    const received = await recvAll(connection, 13);
    await sending;
    expect(received.equals(expected)).toBe(true);
  });

  test("one huge write arrives whole, byte for byte, through small recv calls", async () => {
    const { client, connection } = await connectedPair();
    const expected = randomBytes(8 * 1024 * 1024);
    const sending = client.send(expected).then(() => client.close());
    const received = await recvAll(connection, 4096);
    await sending;
    expect(received.length).toBe(expected.length);
    expect(received.equals(expected)).toBe(true);
  });

  test("a 64 MiB random payload is echoed back byte-exact", async () => {
    const { client, connection } = await connectedPair();
    const payload = randomBytes(64 * 1024 * 1024);
    const echoing = (async () => {
      for (;;) {
        const data = await connection.recv(256 * 1024);
        if (data.length === 0) break;
        await connection.send(data);
      }
      await connection.shutdown(SHUT_WR);
    })();
    const sending = client.send(payload).then(() => client.shutdown(SHUT_WR));
    const echoed = await recvAll(client, 256 * 1024);
    await Promise.all([sending, echoing]);
    expect(echoed.length).toBe(payload.length);
    expect(echoed.equals(payload)).toBe(true);
  });

  test("a receiver that reads nothing keeps only about 1 MiB in memory while the sender is held back", async () => {
    const { client, connection } = await connectedPair();
    const payload = randomBytes(32 * 1024 * 1024);
    let sent = false;
    const sending = client.send(payload).then(() => {
      sent = true;
    });
    await vi.waitFor(() =>
      expect(unread(connection)).toBeGreaterThanOrEqual(RECEIVE_HIGH_WATER_MARK),
    );
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(unread(connection)).toBeLessThan(RECEIVE_HIGH_WATER_MARK + 256 * 1024);
    expect(sent).toBe(false);
    const received = recvAll(connection, 1024 * 1024);
    await sending;
    await client.shutdown(SHUT_WR);
    expect((await received).equals(payload)).toBe(true);
  });

  test("a recv that timed out leaves later bytes for the next recv", async () => {
    const { client, connection } = await connectedPair();
    await expect(connection.recv(10, { timeout: 20 })).rejects.toMatchObject({
      code: "ERR_TIMEOUT",
    });
    await client.send(Buffer.from("late"));
    expect((await connection.recv(10)).toString()).toBe("late");
  });
});

describe("unrecv", () => {
  test("puts bytes back to be received first", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("line one\nline two"));
    await vi.waitFor(() => expect(unread(connection)).toBe(17));
    const data = await connection.recv(100);
    const end = data.indexOf(10) + 1;
    connection[kUnrecv](data.subarray(end));
    expect(connection.bytesReceived).toBe(end);
    expect((await connection.recv(100)).toString()).toBe("line two");
  });

  test("serves a recv that is already waiting", async () => {
    const { connection } = await connectedPair();
    const waiting = connection.recv(10);
    connection[kUnrecv](Buffer.from("back"));
    expect((await waiting).toString()).toBe("back");
  });
});

describe("shutdown (half-close)", () => {
  test("after the client's SHUT_WR the server reads the end and can still reply", async () => {
    const { client, connection } = await connectedPair();
    await client.send(Buffer.from("request"));
    await client.shutdown(SHUT_WR);
    expect((await recvAll(connection)).toString()).toBe("request");
    await connection.send(Buffer.from("reply"));
    await connection.close();
    expect((await recvAll(client)).toString()).toBe("reply");
  });

  test("send after SHUT_WR rejects with EPIPE", async () => {
    const { client } = await connectedPair();
    await client.shutdown(SHUT_WR);
    await expect(client.send(Buffer.from("x"))).rejects.toMatchObject({
      name: "SocketError",
      code: "EPIPE",
      syscall: "send",
      hint: expect.stringMatching(/shutdown\(SHUT_WR\)/),
    });
  });

  test("after SHUT_RD recv resolves empty", async () => {
    const { client, connection } = await connectedPair();
    await connection.shutdown(SHUT_RD);
    await client.send(Buffer.from("ignored"));
    expect((await connection.recv(10)).length).toBe(0);
  });

  test("SHUT_RDWR ends both directions", async () => {
    const { client, connection } = await connectedPair();
    await connection.shutdown(SHUT_RDWR);
    expect((await connection.recv(10)).length).toBe(0);
    expect((await client.recv(10)).length).toBe(0);
  });

  test("shutting down twice is harmless", async () => {
    const { client } = await connectedPair();
    await client.shutdown(SHUT_WR);
    await client.shutdown(SHUT_WR);
    expect(client.state).toBe("connected");
  });
});

/** Bytes received by the connection and not yet recv'd (white box: the receive queue). */
function unread(sock: StreamSocket): number {
  return (sock as unknown as { conn: { queue: ReceiveQueue } }).conn.queue.queued;
}
