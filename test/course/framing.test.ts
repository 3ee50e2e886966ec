import { afterEach, describe, expect, test } from "vitest";
import {
  type FramedSocket,
  FramingError,
  recvExactly,
  recvFramed,
  recvLine,
  sendFramed,
} from "../../src/course/framing";
import { SHUT_WR } from "../../src/sockets/constants";
import { kUnrecv } from "../../src/sockets/internal/symbols";
import { socket } from "../../src/sockets/socket";
import type { StreamSocket } from "../../src/sockets/stream-socket";
import { decode, encode } from "../../src/sockets/text";
import { seeded } from "../support/random";

const opened: StreamSocket[] = [];

/** A connected pair on loopback: [client, connection accepted by the server]. */
async function pair(): Promise<[StreamSocket, StreamSocket]> {
  const server = socket();
  opened.push(server);
  await server.bind(["127.0.0.1", 0]);
  await server.listen(1);
  const client = socket();
  opened.push(client);
  await client.connect(["127.0.0.1", server.localPort], { timeout: 5000 });
  const [connection] = await server.accept({ timeout: 5000 });
  opened.push(connection);
  await server.close();
  return [client, connection];
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/** Sends `bytes` in seeded random pieces, yielding between them so they travel separately. */
async function sendInPieces(
  sock: StreamSocket,
  bytes: Buffer,
  rand: (lo: number, hi: number) => number,
) {
  for (let at = 0; at < bytes.length; ) {
    const n = Math.min(bytes.length - at, rand(1, 40));
    await sock.send(bytes.subarray(at, at + n));
    at += n;
    if (rand(0, 2) === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The same real socket, with every recv capped at a seeded random size: forces every split. */
function choppy(sock: StreamSocket, rand: (lo: number, hi: number) => number): FramedSocket {
  return {
    recv: (max, options) => sock.recv(Math.min(max, rand(1, 7)), options),
    [kUnrecv]: (bytes) => sock[kUnrecv](bytes),
  };
}

describe("recvExactly", () => {
  test("recvExactly collects exactly n bytes from several sends", async () => {
    const [client, connection] = await pair();
    await client.send(encode("hel"));
    await client.send(encode("lo"));
    expect(decode(await recvExactly(connection, 5, { timeout: 5000 }))).toBe("hello");
  });

  test("recvExactly leaves the bytes after the n-th for the next recv", async () => {
    const [client, connection] = await pair();
    await client.send(encode("abcdef"));
    await client.shutdown(SHUT_WR);
    expect(decode(await recvExactly(connection, 2))).toBe("ab");
    expect(decode(await recvExactly(connection, 4))).toBe("cdef");
  });

  test("recvExactly of 0 bytes resolves at once with an empty buffer", async () => {
    const [, connection] = await pair();
    expect((await recvExactly(connection, 0)).length).toBe(0);
  });

  test("recvExactly rejects with ERR_INCOMPLETE_FRAME when the peer closes first, and keeps the bytes", async () => {
    const [client, connection] = await pair();
    await client.send(encode("abc"));
    await client.close();
    const error = await recvExactly(connection, 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FramingError);
    expect(error).toMatchObject({ code: "ERR_INCOMPLETE_FRAME", name: "FramingError" });
    expect((error as Error).message).toMatch(/after 3 bytes of the 5 bytes expected/);
    expect(decode((error as FramingError).received)).toBe("abc");
    // Nothing was lost: the three bytes are still there to recv.
    expect(decode(await connection.recv(1024))).toBe("abc");
    expect((await connection.recv(1024)).length).toBe(0);
  });

  test("recvExactly rejects a negative or fractional count with ERR_INVALID_ARGUMENT", async () => {
    const [, connection] = await pair();
    await expect(recvExactly(connection, -1)).rejects.toMatchObject({
      code: "ERR_INVALID_ARGUMENT",
    });
    await expect(recvExactly(connection, 1.5)).rejects.toMatchObject({
      code: "ERR_INVALID_ARGUMENT",
    });
  });

  test("recvExactly keeps what arrived when a timeout elapses", async () => {
    const [client, connection] = await pair();
    await client.send(encode("ab"));
    await expect(recvExactly(connection, 5, { timeout: 50 })).rejects.toMatchObject({
      code: "ERR_TIMEOUT",
    });
    expect(decode(await connection.recv(1024))).toBe("ab");
  });
});

describe("recvLine", () => {
  test("two lines sent at once come back as two lines", async () => {
    const [client, connection] = await pair();
    await client.send(encode("first\nsecond\n"));
    expect(await recvLine(connection)).toBe("first");
    expect(await recvLine(connection)).toBe("second");
  });

  test("a line sent in pieces comes back whole", async () => {
    const [client, connection] = await pair();
    const line = recvLine(connection, { timeout: 5000 });
    await client.send(encode("hel"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await client.send(encode("lo\n"));
    expect(await line).toBe("hello");
  });

  test("recvLine drops a carriage return before the newline", async () => {
    const [client, connection] = await pair();
    await client.send(encode("telnet\r\n"));
    expect(await recvLine(connection)).toBe("telnet");
  });

  test("an empty line is the empty string, not the end", async () => {
    const [client, connection] = await pair();
    await client.send(encode("\n"));
    expect(await recvLine(connection)).toBe("");
  });

  test("bytes after the newline stay for the next recv", async () => {
    const [client, connection] = await pair();
    await client.send(encode("line\nrest"));
    await client.shutdown(SHUT_WR);
    expect(await recvLine(connection)).toBe("line");
    expect(decode(await connection.recv(1024))).toBe("rest");
  });

  test("recvLine resolves with null when the peer closes between lines", async () => {
    const [client, connection] = await pair();
    await client.send(encode("only\n"));
    await client.close();
    expect(await recvLine(connection)).toBe("only");
    expect(await recvLine(connection)).toBeNull();
  });

  test("recvLine rejects with ERR_INCOMPLETE_FRAME when the stream ends mid-line", async () => {
    const [client, connection] = await pair();
    await client.send(encode("no newline"));
    await client.close();
    const error = await recvLine(connection).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_INCOMPLETE_FRAME" });
    expect((error as Error).message).toMatch(
      /in the middle of a line: 10 bytes "no newline" arrived without the final "\\n"/,
    );
    expect(decode(await connection.recv(1024))).toBe("no newline");
  });

  test("recvLine rejects a line longer than maxBytes with ERR_FRAME_TOO_LARGE and keeps the bytes", async () => {
    const [client, connection] = await pair();
    await client.send(encode("abcdefgh\n"));
    const error = await recvLine(connection, { maxBytes: 4 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_FRAME_TOO_LARGE" });
    expect((error as Error).message).toMatch(/more than 4 bytes arrived without a "\\n"/);
    // Only maxBytes + 1 bytes were taken, and they were put back.
    expect(await recvLine(connection)).toBe("abcdefgh");
  });

  test("a line of exactly maxBytes is accepted", async () => {
    const [client, connection] = await pair();
    await client.send(encode("abcd\n"));
    expect(await recvLine(connection, { maxBytes: 4 })).toBe("abcd");
  });

  test("a line longer than the default 64 KiB is refused", async () => {
    const [client, connection] = await pair();
    const sent = client.send(Buffer.alloc(70_000, 0x61));
    await expect(recvLine(connection)).rejects.toMatchObject({ code: "ERR_FRAME_TOO_LARGE" });
    await sent;
  });

  test("a character cut between two sends is decoded whole", async () => {
    const [client, connection] = await pair();
    const bytes = encode("é🙂\n");
    const line = recvLine(connection, { timeout: 5000 });
    await client.send(bytes.subarray(0, 1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await client.send(bytes.subarray(1, 4));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await client.send(bytes.subarray(4));
    expect(await line).toBe("é🙂");
  });

  test("every seeded chunking of a stream of lines gives the same lines", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}: ${"é🙂x".repeat(i % 7)}`);
    const stream = encode(`${lines.join("\n")}\n`);
    for (let seed = 1; seed <= 15; seed++) {
      const rand = seeded(seed);
      const [client, connection] = await pair();
      const sending = sendInPieces(client, stream, rand).then(() => client.shutdown(SHUT_WR));
      const got: string[] = [];
      const reader = choppy(connection, rand);
      for (let line = await recvLine(reader); line !== null; line = await recvLine(reader)) {
        got.push(line);
      }
      await sending;
      expect(got, `seed ${seed}`).toEqual(lines);
    }
  });
});

describe("sendFramed and recvFramed", () => {
  test("a framed message arrives whole", async () => {
    const [client, connection] = await pair();
    await sendFramed(client, encode("hello"));
    expect(decode((await recvFramed(connection)) ?? Buffer.alloc(0))).toBe("hello");
  });

  test("sendFramed puts a 4-byte big-endian length before the payload", async () => {
    const [client, connection] = await pair();
    expect(await sendFramed(client, encode("hello"))).toBe(9);
    const raw = await recvExactly(connection, 9);
    expect([...raw.subarray(0, 4)]).toEqual([0, 0, 0, 5]);
    expect(decode(raw.subarray(4))).toBe("hello");
  });

  test("an empty payload is a frame of its own", async () => {
    const [client, connection] = await pair();
    await sendFramed(client, Buffer.alloc(0));
    await sendFramed(client, encode("x"));
    expect((await recvFramed(connection))?.length).toBe(0);
    expect(decode((await recvFramed(connection)) ?? Buffer.alloc(0))).toBe("x");
  });

  test("recvFramed resolves with null when the peer closes between messages", async () => {
    const [client, connection] = await pair();
    await sendFramed(client, encode("last"));
    await client.close();
    expect(decode((await recvFramed(connection)) ?? Buffer.alloc(0))).toBe("last");
    expect(await recvFramed(connection)).toBeNull();
  });

  test("recvFramed refuses a frame announced larger than maxBytes without reading it", async () => {
    const [client, connection] = await pair();
    await sendFramed(client, Buffer.alloc(100, 1));
    const error = await recvFramed(connection, { maxBytes: 10 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_FRAME_TOO_LARGE" });
    expect((error as Error).message).toMatch(
      /announces a 100 bytes message, more than maxBytes \(10 bytes\)/,
    );
    // The header was put back: with a larger limit the same frame reads fine.
    expect((await recvFramed(connection, { maxBytes: 100 }))?.length).toBe(100);
  });

  test("text instead of a length prefix is reported as a frame far too large", async () => {
    const [client, connection] = await pair();
    await client.send(encode("GET / HTTP/1.1\r\n"));
    await expect(recvFramed(connection)).rejects.toMatchObject({ code: "ERR_FRAME_TOO_LARGE" });
  });

  test("recvFramed rejects with ERR_INCOMPLETE_FRAME when the stream ends inside the prefix", async () => {
    const [client, connection] = await pair();
    await client.send(Buffer.from([0, 0]));
    await client.close();
    const error = await recvFramed(connection).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_INCOMPLETE_FRAME" });
    expect((error as Error).message).toMatch(/inside a length prefix \(2 bytes of 4\)/);
    expect([...(await connection.recv(1024))]).toEqual([0, 0]);
  });

  test("recvFramed rejects with ERR_INCOMPLETE_FRAME when the stream ends inside the payload", async () => {
    const [client, connection] = await pair();
    await client.send(Buffer.from([0, 0, 0, 10, 1, 2, 3]));
    await client.close();
    const error = await recvFramed(connection).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_INCOMPLETE_FRAME" });
    expect((error as Error).message).toMatch(/after 3 bytes of a 10 bytes message/);
    expect([...(error as FramingError).received]).toEqual([0, 0, 0, 10, 1, 2, 3]);
    expect([...(await recvExactly(connection, 7))]).toEqual([0, 0, 0, 10, 1, 2, 3]);
  });

  test("sendFramed rejects text with ERR_INVALID_ARGUMENT, saying to encode it", async () => {
    const [client] = await pair();
    await expect(sendFramed(client, "hello" as unknown as Buffer)).rejects.toMatchObject({
      code: "ERR_INVALID_ARGUMENT",
      message: expect.stringMatching(/encode your text first/),
    });
  });

  test("a 1 MiB random payload arrives byte-exact", async () => {
    const [client, connection] = await pair();
    const payload = Buffer.alloc(1024 * 1024);
    const rand = seeded(42);
    for (let i = 0; i < payload.length; i++) payload[i] = rand(0, 255);
    const [, got] = await Promise.all([sendFramed(client, payload), recvFramed(connection)]);
    expect(got?.equals(payload)).toBe(true);
  });

  test("every seeded chunking of a stream of frames gives the same payloads", async () => {
    const rand0 = seeded(7);
    const payloads = Array.from({ length: 30 }, (_, i) =>
      Buffer.from(Array.from({ length: (i * 13) % 90 }, () => rand0(0, 255))),
    );
    const stream = Buffer.concat(
      payloads.map((p) => {
        const header = Buffer.alloc(4);
        header.writeUInt32BE(p.length, 0);
        return Buffer.concat([header, p]);
      }),
    );
    for (let seed = 1; seed <= 15; seed++) {
      const rand = seeded(seed);
      const [client, connection] = await pair();
      const sending = sendInPieces(client, stream, rand).then(() => client.shutdown(SHUT_WR));
      const got: Buffer[] = [];
      const reader = choppy(connection, rand);
      for (let msg = await recvFramed(reader); msg !== null; msg = await recvFramed(reader)) {
        got.push(msg);
      }
      await sending;
      expect(
        got.map((b) => b.toString("hex")),
        `seed ${seed}`,
      ).toEqual(payloads.map((b) => b.toString("hex")));
    }
  });
});
