/**
 * Text and bytes: the lecture's `message.encode("utf-8")` and `data.decode("utf-8")`.
 *
 * Sockets carry bytes, not text. A program turns its text into bytes before `send` and turns the
 * bytes it receives back into text before printing them. Both ends must agree on how: this course,
 * like the lecture, always uses UTF-8.
 */
// Imported rather than global: outside this project (a student edition in its own folder) tslab
// falls back to its bundled @types/node 18, whose global TextDecoder is a value but not a type.
import { TextDecoder } from "node:util";

import { misuse } from "../errors/misuse";
import { unawaited } from "./internal/forgot-await";

/**
 * Options for {@link decode} and {@link Utf8StreamDecoder}.
 *
 * @example
 * decode(data, { fatal: true }); // throws on bytes that are not UTF-8 instead of showing "�"
 */
export interface DecodeOptions {
  /**
   * What to do with bytes that are not valid UTF-8.
   * - `false` (the default): each bad sequence becomes the replacement character U+FFFD ("�"),
   *   like Python's `data.decode("utf-8", errors="replace")`. A lesson never crashes on a stray
   *   byte, and the "�" shows where the damage is.
   * - `true`: throw a `TypeError` with `code` `"ERR_ENCODING_INVALID_ENCODED_DATA"`, like Python's
   *   plain `data.decode("utf-8")` raising `UnicodeDecodeError`.
   */
  fatal?: boolean;
}

function utf8Decoder(options: DecodeOptions | undefined): TextDecoder {
  // ignoreBOM: true keeps a leading U+FEFF as a character instead of silently dropping it, as
  // Python's "utf-8" codec does: the text that comes out is exactly what the bytes say.
  return new TextDecoder("utf-8", { fatal: options?.fatal === true, ignoreBOM: true });
}

/** A TypeError with the code the helper gives every wrong argument, so callers can tell it apart. */
function invalidArgument(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: "ERR_INVALID_ARGUMENT" });
}

function checkBytes(bytes: unknown, where: string): asserts bytes is Uint8Array {
  if (bytes instanceof Uint8Array) return;
  if (typeof bytes === "string") {
    throw invalidArgument(
      `${where} takes bytes, not a string: it is already text, nothing to decode`,
    );
  }
  throw invalidArgument(
    `${where} takes bytes (a Buffer or Uint8Array), not ${describe(bytes)}: pass what recv gave you`,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Turns text into the UTF-8 bytes that `send` takes: the lecture's `message.encode("utf-8")`.
 *
 * ASCII characters take one byte each; others take two to four (`encode("é").length` is 2,
 * `encode("🙂").length` is 4). A lone UTF-16 surrogate (half of an emoji, e.g. from slicing a
 * string in the middle of one) cannot be encoded and becomes U+FFFD, the bytes `ef bf bd`.
 *
 * @param text - The text to send.
 * @returns A new Buffer holding the text's UTF-8 bytes.
 * @throws TypeError (code ERR_INVALID_ARGUMENT) when `text` is not a string.
 *
 * @example
 * import { encode } from "./src/index";
 * const bytes = encode("hello");   // <Buffer 68 65 6c 6c 6f>
 * bytes.length;                    // 5
 * // await client.send(encode("hello"));
 */
export function encode(text: string): Buffer {
  if (typeof text !== "string") {
    throw invalidArgument(
      `encode takes text (a string), not ${describe(text)}: write encode(String(value)) to send it as text`,
    );
  }
  return Buffer.from(text, "utf8");
}

// First, so that a call with a Promise finds it; the bytes overload is last, so that
// `promise.then(decode)` infers a string (TypeScript infers from an overloaded callback's last
// signature).
/**
 * A Promise is not bytes: `decode(sock.recv(1024))`, the `await` left out, throws at once with
 * ERR_INVALID_ARGUMENT asking "did you forget `await`?" (rather than a type error about
 * Uint8Array).
 *
 * @example
 * decode(await connection.recv(1024)); // right; without await it throws, naming the slip
 */
export function decode(bytes: PromiseLike<unknown>, options?: DecodeOptions): never;
/**
 * Turns received UTF-8 bytes back into text: the lecture's `data.decode("utf-8")`.
 *
 * Use it on a whole message. When a message may arrive over several `recv` calls, a character
 * can be cut in two between them; decode the pieces with a {@link Utf8StreamDecoder} instead,
 * which keeps the cut bytes until the rest arrives.
 *
 * Invalid bytes become U+FFFD ("�") unless `{ fatal: true }` is given (then a `TypeError` with
 * code `ERR_ENCODING_INVALID_ENCODED_DATA` is thrown). A byte-order mark is kept, not dropped.
 *
 * @param bytes - What `recv` returned (a Buffer or any Uint8Array).
 * @returns The text.
 * @throws TypeError when `bytes` is not a Buffer/Uint8Array (code ERR_INVALID_ARGUMENT), or on
 * invalid UTF-8 with `fatal` (code ERR_ENCODING_INVALID_ENCODED_DATA).
 *
 * @example
 * import { decode } from "./src/index";
 * decode(Buffer.from([0x68, 0x69]));   // "hi"
 * // const data = await connection.recv(1024);
 * // console.log(`received "${decode(data)}"`);
 */
export function decode(bytes: Uint8Array, options?: DecodeOptions): string;
export function decode(bytes: Uint8Array | PromiseLike<unknown>, options?: DecodeOptions): string {
  if (bytes instanceof Promise) {
    unawaited(bytes);
    throw misuse.promiseNotBytes("decode");
  }
  checkBytes(bytes, "decode");
  return utf8Decoder(options).decode(bytes);
}

/**
 * Decodes UTF-8 text that arrives in pieces, e.g. from successive `recv` calls, without ever
 * breaking a character that was cut between two pieces.
 *
 * TCP delivers a byte stream: `recv(1024)` may return the first byte of "é" now and the second
 * one on the next call. Decoding each piece alone would print "�" twice; this decoder holds an
 * unfinished character back until its remaining bytes arrive.
 *
 * Invalid bytes become U+FFFD ("�") unless `{ fatal: true }` is given (then `write`/`end` throw a
 * `TypeError` with code `ERR_ENCODING_INVALID_ENCODED_DATA`). If the stream ends in the middle of
 * a character, `end()` returns "�" for the unfinished part (or throws, with `fatal`).
 *
 * @example
 * import { Utf8StreamDecoder } from "./src/index";
 * const decoder = new Utf8StreamDecoder();
 * const e = Buffer.from("é", "utf8");        // two bytes: c3 a9
 * decoder.write(e.subarray(0, 1));           // ""  (waits for the second byte)
 * decoder.write(e.subarray(1));              // "é"
 * decoder.end();                             // ""  (nothing left over)
 *
 * @example
 * // Printing everything a peer sends until it closes:
 * // const decoder = new Utf8StreamDecoder();
 * // for (let data = await conn.recv(1024); data.length > 0; data = await conn.recv(1024)) {
 * //   process.stdout.write(decoder.write(data));
 * // }
 * // process.stdout.write(decoder.end());
 */
export class Utf8StreamDecoder {
  private decoder: TextDecoder;
  private readonly options: DecodeOptions | undefined;

  constructor(options?: DecodeOptions) {
    this.options = options;
    this.decoder = utf8Decoder(options);
  }

  /**
   * Decodes the next piece. Returns the text of every character completed so far (possibly "");
   * an unfinished character at the end waits for the next `write` or for `end`.
   */
  write(bytes: Uint8Array): string {
    checkBytes(bytes, "Utf8StreamDecoder.write");
    try {
      return this.decoder.decode(bytes, { stream: true });
    } catch (error) {
      // With fatal, the bad bytes are reported once; the next write starts on a clean decoder.
      this.decoder = utf8Decoder(this.options);
      throw error;
    }
  }

  /**
   * Ends the stream: returns "�" for an unfinished character left over (or "" when there is none)
   * and makes the decoder ready for a new stream.
   */
  end(): string {
    try {
      return this.decoder.decode();
    } finally {
      // A fatal decoder that threw keeps its broken state; start the next stream clean anyway.
      this.decoder = utf8Decoder(this.options);
    }
  }
}
