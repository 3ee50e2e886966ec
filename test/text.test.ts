import { describe, expect, test } from "vitest";
import { decode, encode, Utf8StreamDecoder } from "../src/text";
import { connectedPair } from "./support/stream-pair";

describe("encode", () => {
  test("encode turns ASCII text into one byte per character", () => {
    expect([...encode("hello")]).toEqual([0x68, 0x65, 0x6c, 0x6c, 0x6f]);
  });

  test("encode uses two to four bytes for characters beyond ASCII", () => {
    expect(encode("é").length).toBe(2);
    expect(encode("€").length).toBe(3);
    expect(encode("🙂").length).toBe(4);
  });

  test("encode returns a Buffer that send accepts", () => {
    expect(Buffer.isBuffer(encode("x"))).toBe(true);
  });

  test("encode turns a lone surrogate into the replacement character", () => {
    expect([...encode("\ud83d")]).toEqual([0xef, 0xbf, 0xbd]);
  });

  test("encode rejects a value that is not a string with a message saying what it got", () => {
    expect(() => encode(42 as unknown as string)).toThrow(
      /encode takes text \(a string\), not a number/,
    );
  });
});

describe("decode", () => {
  test("decode turns UTF-8 bytes back into the text they encode", () => {
    const text = "héllo wörld €🙂";
    expect(decode(encode(text))).toBe(text);
  });

  test("decode accepts a plain Uint8Array as well as a Buffer", () => {
    expect(decode(new Uint8Array([0x68, 0x69]))).toBe("hi");
  });

  test("decode of an empty buffer (the end of stream) is the empty string", () => {
    expect(decode(Buffer.alloc(0))).toBe("");
  });

  test("decode replaces invalid bytes with U+FFFD by default", () => {
    expect(decode(Buffer.from([0x61, 0xff, 0x62]))).toBe("a\ufffdb");
  });

  test("decode throws on invalid bytes when asked to be fatal", () => {
    expect(() => decode(Buffer.from([0x61, 0xff]), { fatal: true })).toThrow(
      expect.objectContaining({ code: "ERR_ENCODING_INVALID_ENCODED_DATA" }),
    );
  });

  test("decode keeps a byte-order mark instead of dropping it", () => {
    expect(decode(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe("\ufeffA");
  });

  test("decode rejects a string with a message saying it is already text", () => {
    expect(() => decode("hello" as unknown as Buffer)).toThrow(/already text/);
  });
});

describe("Utf8StreamDecoder", () => {
  test("a character split across two writes comes out whole on the second write", () => {
    const decoder = new Utf8StreamDecoder();
    const bytes = encode("é");
    expect(decoder.write(bytes.subarray(0, 1))).toBe("");
    expect(decoder.write(bytes.subarray(1))).toBe("é");
    expect(decoder.end()).toBe("");
  });

  test("every way of cutting a mixed text into pieces decodes to the same text", () => {
    const text = "aé€🙂z";
    const bytes = encode(text);
    // Every pair of cut points: one-, two-, three- and four-byte characters cut at every byte.
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const decoder = new Utf8StreamDecoder();
        const out =
          decoder.write(bytes.subarray(0, i)) +
          decoder.write(bytes.subarray(i, j)) +
          decoder.write(bytes.subarray(j)) +
          decoder.end();
        expect(out, `cut at ${i} and ${j}`).toBe(text);
      }
    }
  });

  test("byte-by-byte writes never produce a replacement character for valid text", () => {
    const text = "Grüße, 世界 🙂";
    const decoder = new Utf8StreamDecoder();
    let out = "";
    for (const byte of encode(text)) out += decoder.write(Buffer.from([byte]));
    out += decoder.end();
    expect(out).toBe(text);
  });

  test("end returns a replacement character when the stream stops mid-character", () => {
    const decoder = new Utf8StreamDecoder();
    expect(decoder.write(encode("a🙂").subarray(0, 3))).toBe("a");
    expect(decoder.end()).toBe("\ufffd");
  });

  test("end throws on an unfinished character when the decoder is fatal", () => {
    const decoder = new Utf8StreamDecoder({ fatal: true });
    decoder.write(encode("é").subarray(0, 1));
    expect(() => decoder.end()).toThrow(
      expect.objectContaining({ code: "ERR_ENCODING_INVALID_ENCODED_DATA" }),
    );
  });

  test("the decoder starts a fresh stream after end", () => {
    const decoder = new Utf8StreamDecoder();
    decoder.write(encode("é").subarray(0, 1));
    decoder.end();
    expect(decoder.write(encode("ok"))).toBe("ok");
  });

  test("a fatal decoder recovers for the next write after reporting bad bytes", () => {
    const decoder = new Utf8StreamDecoder({ fatal: true });
    expect(() => decoder.write(Buffer.from([0xff]))).toThrow();
    expect(decoder.write(encode("ok"))).toBe("ok");
  });

  test("invalid bytes in the middle of a stream become U+FFFD by default", () => {
    const decoder = new Utf8StreamDecoder();
    expect(decoder.write(Buffer.from([0x61, 0xc3]))).toBe("a");
    expect(decoder.write(Buffer.from([0x41]))).toBe("\ufffdA");
  });

  test("a text read one byte per recv from a real socket decodes whole", async () => {
    const { server, client, connection } = await connectedPair();
    const text = "é€🙂";
    await client.send(encode(text));
    await client.close();
    // recv(1) hands over a single byte: every multi-byte character is cut.
    const decoder = new Utf8StreamDecoder();
    const pieces: string[] = [];
    for (let data = await connection.recv(1); data.length > 0; data = await connection.recv(1)) {
      pieces.push(decoder.write(data));
    }
    pieces.push(decoder.end());
    await connection.close();
    await server.close();
    expect(pieces.join("")).toBe(text);
    expect(pieces).toContain("");
  });
});

test("decode of a Promise (recv without await) throws, asking whether await was forgotten", () => {
  const pending = Promise.resolve(Buffer.from("hi"));
  expect(() => decode(pending)).toThrow(
    expect.objectContaining({
      code: "ERR_INVALID_ARGUMENT",
      message: expect.stringMatching(/^decode got a Promise, not bytes: did you forget `await`\?/),
    }),
  );
});
