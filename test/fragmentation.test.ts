/**
 * TCP keeps the bytes and their order, never the way they were cut: the same byte stream, cut
 * into hundreds of seeded random chunkings on the way (random send sizes with pauses between
 * them) and on arrival (random recv sizes), must give identical results through recv, the UTF-8
 * stream decoder and the framing helpers. test/framing.test.ts checks framing on a few chunkings
 * with a fresh connection each; here many more chunkings run back to back on one connection (a
 * byte lost, doubled or left behind by one case would also break every case after it), and the
 * ways of reading are mixed on one stream.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type FramedSocket,
  recvExactly,
  recvFramed,
  recvLine,
  sendFramed,
} from "../src/course/framing";
import { kUnrecv } from "../src/sockets/internal/symbols";
import { closeAll } from "../src/sockets/open-sockets";
import type { StreamSocket } from "../src/sockets/stream-socket";
import { decode, encode, Utf8StreamDecoder } from "../src/sockets/text";
import { type RandomInt, randomPieces, seeded } from "./support/random";
import { connectedPair } from "./support/stream-pair";

const CASES = 300;
const WAIT = { timeout: 10_000 };

/** Lines of mixed text: ASCII, 2-, 3- and 4-byte characters, an empty line, a "\r\n" line. */
const LINES = [
  "hello",
  "é è ê ë",
  "",
  "你好，世界",
  "emoji 🙂🙃 and 𝄞",
  "a line ending in a carriage return\r",
  "x".repeat(300),
  "Grüße aus Köln — ça va ?",
];
const TEXT = `${LINES.join("\n")}\n`;
const BYTES = encode(TEXT);
/** What recvLine returns for each line (it drops a "\r" before the "\n"). */
const EXPECTED_LINES = LINES.map((l) => l.replace(/\r$/, ""));

let client: StreamSocket;
let connection: StreamSocket;
beforeAll(async () => {
  ({ client, connection } = await connectedPair());
});
afterAll(async () => {
  await closeAll();
});

/** Sends `bytes` in random pieces of 1 to 200 bytes, sometimes letting the event loop turn. */
async function sendInPieces(bytes: Buffer, rand: RandomInt): Promise<void> {
  for (const piece of randomPieces(bytes, rand, 200)) {
    await client.send(piece);
    if (rand(0, 3) === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The receiving socket with every recv capped at a random size from 1 to `max`. */
function choppy(rand: RandomInt, max: number): FramedSocket {
  return {
    recv: (n, options) => connection.recv(Math.min(n, rand(1, max)), options),
    [kUnrecv]: (bytes) => connection[kUnrecv](bytes),
  };
}

describe("the same stream in random chunkings", () => {
  test(`recv returns the same bytes, and the stream decoder the same text, in ${CASES} chunkings`, async () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rand = seeded(seed);
      const sending = sendInPieces(BYTES, rand);
      const pieces: Buffer[] = [];
      const decoder = new Utf8StreamDecoder();
      let text = "";
      for (let have = 0; have < BYTES.length; ) {
        const data = await connection.recv(Math.min(BYTES.length - have, rand(1, 97)), WAIT);
        expect(data.length, `seed ${seed}`).toBeGreaterThan(0);
        pieces.push(data);
        text += decoder.write(data);
        have += data.length;
      }
      text += decoder.end();
      await sending;
      expect(Buffer.concat(pieces).equals(BYTES), `bytes, seed ${seed}`).toBe(true);
      expect(text, `text, seed ${seed}`).toBe(TEXT);
    }
  });

  test(`recvLine returns the same lines in ${CASES} chunkings`, async () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rand = seeded(1000 + seed);
      const sending = sendInPieces(BYTES, rand);
      const reader = choppy(rand, 64);
      const lines: Array<string | null> = [];
      for (let i = 0; i < LINES.length; i++) lines.push(await recvLine(reader, WAIT));
      await sending;
      expect(lines, `seed ${seed}`).toEqual(EXPECTED_LINES);
    }
  });

  test(`recvFramed returns the same messages in ${CASES} chunkings`, async () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rand = seeded(2000 + seed);
      // The frames go out as sendFramed makes them, then travel cut at random like the rest.
      const framed = await framesOf(LINES.map((l) => encode(l)));
      const sending = sendInPieces(framed, rand);
      const reader = choppy(rand, 9);
      const messages: string[] = [];
      for (let i = 0; i < LINES.length; i++) {
        messages.push(decode((await recvFramed(reader, WAIT)) ?? Buffer.alloc(0)));
      }
      await sending;
      expect(messages, `seed ${seed}`).toEqual(LINES);
    }
  });

  test(`recvExactly, recvLine and recv mixed on one stream read it the same in ${CASES} chunkings`, async () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rand = seeded(3000 + seed);
      const sending = sendInPieces(BYTES, rand);
      const reader = choppy(rand, 31);
      // Read the stream in random slices, each with one of the three ways, and join them.
      const parts: Buffer[] = [];
      let have = 0;
      while (have < BYTES.length) {
        const way = rand(0, 2);
        let part: Buffer;
        if (way === 0) {
          part = await recvExactly(reader, Math.min(BYTES.length - have, rand(1, 120)), WAIT);
        } else if (way === 1) {
          const line = await recvLine(reader, { ...WAIT, maxBytes: 1000 });
          // recvLine drops the "\n" (and a "\r" before it); put back what the stream had.
          const raw = BYTES.subarray(have, BYTES.indexOf(0x0a, have) + 1);
          expect(line, `seed ${seed}`).toBe(decode(raw).replace(/\r?\n$/, ""));
          part = raw;
        } else {
          part = await reader.recv(Math.min(BYTES.length - have, rand(1, 50)), WAIT);
        }
        parts.push(part);
        have += part.length;
      }
      await sending;
      expect(Buffer.concat(parts).equals(BYTES), `seed ${seed}`).toBe(true);
    }
  });
});

describe("the stream decoder alone, on bytes that are not all valid UTF-8", () => {
  test("every random chunking of random bytes decodes exactly as decode() of the whole", () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const rand = seeded(5000 + seed);
      // Valid characters of every length mixed with stray continuation bytes, truncated
      // sequences, overlong forms and bytes that never appear in UTF-8.
      const atoms = [
        encode("a"),
        encode("é"),
        encode("€"),
        encode("🙂"),
        Buffer.from([0x80]),
        Buffer.from([0xe2, 0x82]),
        Buffer.from([0xc0, 0xaf]),
        Buffer.from([0xff]),
        Buffer.from([0xf0, 0x9f, 0x99]),
      ];
      const bytes = Buffer.concat(
        Array.from({ length: rand(0, 40) }, () => atoms[rand(0, atoms.length - 1)]),
      );
      const decoder = new Utf8StreamDecoder();
      let text = "";
      for (const piece of randomPieces(bytes, rand, 5)) text += decoder.write(piece);
      text += decoder.end();
      expect(text, `seed ${seed}: ${bytes.toString("hex")}`).toBe(decode(bytes));
    }
  });
});

/** The bytes sendFramed puts on the wire for each payload, captured from a fake socket. */
async function framesOf(payloads: Buffer[]): Promise<Buffer> {
  const frames: Buffer[] = [];
  const capture = {
    send: async (data: Uint8Array) => {
      frames.push(Buffer.from(data));
      return data.length;
    },
  };
  for (const p of payloads) await sendFramed(capture, p);
  return Buffer.concat(frames);
}
