/**
 * Messages on a byte stream. TCP delivers bytes, not messages: one `send` may arrive as several
 * `recv` results, and several sends as one. To get whole messages back, both sides agree on
 * where each one ends ("framing"). Two classic ways, both here:
 *
 * - a delimiter: each message is a line ending in "\n" ({@link recvLine});
 * - a length prefix: 4 bytes giving the payload's length, then the payload
 *   ({@link sendFramed} / {@link recvFramed}).
 *
 * Reading a frame usually takes more bytes than the frame holds (the start of the next one
 * arrives in the same recv). Those surplus bytes are put back into the socket with its internal
 * `unrecv`, so the next recv, recvLine, recvExactly or recvFramed starts exactly where this one
 * stopped. Do not run two of these reads on one socket at the same time.
 *
 * On an error (too large, end of stream mid-frame, a timeout) every byte this call read is put
 * back too: nothing is lost, and the error says what arrived.
 */

import { inspect } from "node:util";

import { studentView } from "../errors/error-view";
import { SocketUsageError } from "../errors/socket-error";
import { byteCount } from "../sockets/bytes";
import { kUnrecv } from "../sockets/internal/symbols";
import type { StreamSocket } from "../sockets/stream-socket";

/**
 * What the framing functions need from a socket: a connected {@link StreamSocket}.
 *
 * @example
 * const [connection] = await server.accept();
 * const line = await recvLine(connection); // a StreamSocket is a FramedSocket
 */
export type FramedSocket = Pick<StreamSocket, "recv" | typeof kUnrecv>;

/**
 * The codes of {@link FramingError}.
 *
 * @example
 * if (err instanceof FramingError && err.code === "ERR_INCOMPLETE_FRAME") console.log("cut short");
 */
export type FramingErrorCode =
  /** A line or frame is longer than the `maxBytes` the receiver accepts. */
  | "ERR_FRAME_TOO_LARGE"
  /** The peer closed its side in the middle of a line or frame. */
  | "ERR_INCOMPLETE_FRAME";

/**
 * A message on the stream could not be read whole: it is larger than allowed
 * (`ERR_FRAME_TOO_LARGE`) or the stream ended in its middle (`ERR_INCOMPLETE_FRAME`). The bytes
 * read so far are back in the socket, and also in `received`.
 *
 * @example
 * try {
 *   const line = await recvLine(connection, { maxBytes: 100 });
 * } catch (err) {
 *   if (err instanceof FramingError && err.code === "ERR_FRAME_TOO_LARGE") await connection.close();
 * }
 */
export class FramingError extends Error {
  override name = "FramingError";
  readonly code: FramingErrorCode;
  /** The bytes this call had read when it stopped (a copy; they were also put back). */
  readonly received: Buffer;

  constructor(code: FramingErrorCode, message: string, received: Buffer) {
    super(message);
    this.code = code;
    this.received = received;
  }

  /** A notebook prints the message and the student's lines (see src/errors/error-view.ts). */
  [inspect.custom](): string {
    return studentView(this, this.code);
  }
}

/**
 * Options of the framing reads.
 *
 * @example
 * await recvLine(connection, { maxBytes: 1024, timeout: 5000 });
 */
export interface RecvFrameOptions {
  /**
   * Largest message accepted, in bytes (a line's "\n" not counted). A peer that sends more gets
   * `ERR_FRAME_TOO_LARGE` instead of filling this program's memory. Defaults: 65,536 for
   * {@link recvLine}, 16 MiB for {@link recvFramed}.
   */
  maxBytes?: number;
  /**
   * Milliseconds each wait for more bytes may take before rejecting with ERR_TIMEOUT (per recv,
   * not for the whole message). Default: wait as long as it takes.
   */
  timeout?: number;
}

/**
 * Bytes of the length prefix of {@link sendFramed}.
 *
 * @example
 * const header = await recvExactly(connection, FRAME_HEADER_BYTES);
 */
export const FRAME_HEADER_BYTES = 4;
/**
 * The largest payload a 4-byte length prefix can announce: 2^32 - 1 bytes.
 *
 * @example
 * MAX_FRAME_BYTES; // 4294967295
 */
export const MAX_FRAME_BYTES = 0xffff_ffff;
const DEFAULT_MAX_LINE = 64 * 1024;
const DEFAULT_MAX_FRAME = 16 * 1024 * 1024;
/** How much a line read asks recv for at a time. */
const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Receives exactly `n` bytes, calling recv as often as needed. Rejects with
 * `ERR_INCOMPLETE_FRAME` if the peer closes its side first (the bytes that did come are put back
 * and are in the error's `received`).
 *
 * @param sock - A connected StreamSocket.
 * @param n - How many bytes; 0 resolves at once with an empty Buffer.
 * @returns A Buffer of length `n`.
 *
 * @example
 * import { recvExactly } from "./src/index";
 * const header = await recvExactly(connection, 4);
 * const length = header.readUInt32BE(0);
 */
export async function recvExactly(
  sock: FramedSocket,
  n: number,
  options: Pick<RecvFrameOptions, "timeout"> = {},
): Promise<Buffer> {
  checkSize(n, "recvExactly", "n", "the number of bytes to receive");
  const parts: Buffer[] = [];
  let have = 0;
  try {
    while (have < n) {
      const data = await sock.recv(n - have, options);
      if (data.length === 0) {
        const received = Buffer.concat(parts, have);
        putBack(sock, received);
        throw new FramingError(
          "ERR_INCOMPLETE_FRAME",
          `recvExactly: the peer closed the connection after ${byteCount(have)} of the ${byteCount(n)} expected`,
          received,
        );
      }
      parts.push(data);
      have += data.length;
    }
  } catch (err) {
    if (!(err instanceof FramingError)) putBack(sock, Buffer.concat(parts, have));
    throw err;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
}

/**
 * Receives one line of text: the bytes up to the next "\n", decoded as UTF-8 (invalid bytes
 * become "�"), without the "\n" and without a "\r" just before it (so "\r\n" lines from telnet
 * or Windows programs read the same). Bytes after the "\n" stay in the socket for the next read.
 *
 * Resolves with `null` when the peer has closed its side and no bytes are left: the clean end of
 * a line-based conversation. Rejects with `ERR_INCOMPLETE_FRAME` when the stream ends in the
 * middle of a line (bytes without a final "\n"), and with `ERR_FRAME_TOO_LARGE` when the line is
 * longer than `maxBytes` (default 65,536).
 *
 * @example
 * import { recvLine, encode } from "./src/index";
 * await client.send(encode("first\nsecond\n"));          // one send, two lines
 * await recvLine(connection);                           // "first"
 * await recvLine(connection);                           // "second"
 *
 * @example
 * // Serve a line-based client (e.g. `nc 127.0.0.1 PORT`) until it closes:
 * for (let line = await recvLine(conn); line !== null; line = await recvLine(conn)) {
 *   await conn.send(encode(`${line.toUpperCase()}\n`));
 * }
 */
export async function recvLine(
  sock: FramedSocket,
  options: RecvFrameOptions = {},
): Promise<string | null> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_LINE;
  checkSize(maxBytes, "recvLine", "maxBytes", "the longest line accepted");
  const parts: Buffer[] = [];
  let have = 0;
  try {
    for (;;) {
      // Never read more than the longest acceptable line plus its "\n".
      const want = Math.min(CHUNK, maxBytes + 1 - have);
      const data = await sock.recv(want, { timeout: options.timeout });
      if (data.length === 0) {
        if (have === 0) return null;
        const received = Buffer.concat(parts, have);
        putBack(sock, received);
        throw new FramingError(
          "ERR_INCOMPLETE_FRAME",
          `recvLine: the peer closed the connection in the middle of a line: ${byteCount(have)} ${preview(received)} arrived without the final "\\n"`,
          received,
        );
      }
      const at = data.indexOf(NEWLINE);
      if (at >= 0) {
        const line = Buffer.concat([...parts, data.subarray(0, at)], have + at);
        putBack(sock, data.subarray(at + 1));
        const end =
          line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
        return line.toString("utf8", 0, end);
      }
      parts.push(data);
      have += data.length;
      if (have > maxBytes) {
        const received = Buffer.concat(parts, have);
        putBack(sock, received);
        throw new FramingError(
          "ERR_FRAME_TOO_LARGE",
          `recvLine: more than ${byteCount(maxBytes)} arrived without a "\\n"; the line is longer than maxBytes allows (raise it with { maxBytes: ... } if that is expected)`,
          received,
        );
      }
    }
  } catch (err) {
    if (!(err instanceof FramingError)) putBack(sock, Buffer.concat(parts, have));
    throw err;
  }
}

/**
 * Sends one message with a length prefix: 4 bytes holding the payload's length (big-endian, the
 * network byte order), then the payload, in a single send. The receiver reads it back whole with
 * {@link recvFramed}, however TCP cuts it up on the way.
 *
 * @param sock - A connected StreamSocket.
 * @param payload - The message's bytes (encode text first).
 * @returns The number of bytes sent: 4 + the payload's length.
 *
 * @example
 * import { sendFramed, recvFramed, encode, decode } from "./src/index";
 * await sendFramed(client, encode("hello"));   // 9 bytes: 00 00 00 05 68 65 6c 6c 6f
 * decode(await recvFramed(connection));        // "hello"
 */
export async function sendFramed(
  sock: Pick<StreamSocket, "send">,
  payload: Uint8Array,
): Promise<number> {
  if (!(payload instanceof Uint8Array)) {
    throw new SocketUsageError(
      "ERR_INVALID_ARGUMENT",
      `sendFramed takes bytes: encode your text first, sendFramed(sock, encode(message)); got ${typeof payload === "string" ? "a string" : String(payload)}`,
    );
  }
  if (payload.length > MAX_FRAME_BYTES) {
    throw new FramingError(
      "ERR_FRAME_TOO_LARGE",
      `sendFramed: a 4-byte length prefix can announce at most ${byteCount(MAX_FRAME_BYTES)}; this payload has ${byteCount(payload.length)}`,
      Buffer.alloc(0),
    );
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  // One send, not two: a 4-byte send followed by another can wait on Nagle's algorithm and the
  // peer's delayed ACK (tens of milliseconds per message).
  return sock.send(frame);
}

/**
 * Receives one message sent by {@link sendFramed}: reads the 4-byte big-endian length, then
 * exactly that many bytes. Resolves with the payload, or with `null` when the peer has closed
 * its side between two messages (the clean end).
 *
 * Rejects with `ERR_FRAME_TOO_LARGE` when the announced length exceeds `maxBytes` (default
 * 16 MiB; nothing of the payload is read), and with `ERR_INCOMPLETE_FRAME` when the stream ends
 * inside the prefix or the payload.
 *
 * @example
 * import { recvFramed, decode } from "./src/index";
 * for (let msg = await recvFramed(connection); msg !== null; msg = await recvFramed(connection)) {
 *   console.log(`received "${decode(msg)}"`);
 * }
 */
export async function recvFramed(
  sock: FramedSocket,
  options: RecvFrameOptions = {},
): Promise<Buffer | null> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FRAME;
  checkSize(maxBytes, "recvFramed", "maxBytes", "the largest payload accepted");
  const timeout = { timeout: options.timeout };
  const first = await sock.recv(FRAME_HEADER_BYTES, timeout);
  if (first.length === 0) return null;
  let header: Buffer;
  try {
    header =
      first.length === FRAME_HEADER_BYTES
        ? first
        : Buffer.concat([
            first,
            await recvExactly(sock, FRAME_HEADER_BYTES - first.length, timeout),
          ]);
  } catch (err) {
    if (err instanceof FramingError) {
      const received = Buffer.concat([first, err.received]);
      putBack(sock, first);
      throw new FramingError(
        "ERR_INCOMPLETE_FRAME",
        `recvFramed: the peer closed the connection inside a length prefix (${byteCount(received.length)} of 4)`,
        received,
      );
    }
    putBack(sock, first);
    throw err;
  }
  const length = header.readUInt32BE(0);
  if (length > maxBytes) {
    putBack(sock, header);
    throw new FramingError(
      "ERR_FRAME_TOO_LARGE",
      `recvFramed: the peer announces a ${byteCount(length)} message, more than maxBytes (${byteCount(maxBytes)}) allows; raise it with { maxBytes: ... } if that is expected, or check that both sides use the same framing`,
      header,
    );
  }
  try {
    return await recvExactly(sock, length, timeout);
  } catch (err) {
    if (err instanceof FramingError) {
      // recvExactly put the partial payload back; the header goes in front of it.
      putBack(sock, header);
      throw new FramingError(
        "ERR_INCOMPLETE_FRAME",
        `recvFramed: the peer closed the connection after ${byteCount(err.received.length)} of a ${byteCount(length)} message`,
        Buffer.concat([header, err.received]),
      );
    }
    putBack(sock, header);
    throw err;
  }
}

/** Puts bytes back at the head of the socket's queue; on a closed socket there is nowhere to. */
function putBack(sock: FramedSocket, bytes: Buffer): void {
  if (bytes.length === 0) return;
  try {
    sock[kUnrecv](bytes);
  } catch {
    // The socket was closed meanwhile: its bytes are gone anyway, and the caller's error says why.
  }
}

function checkSize(value: unknown, operation: string, name: string, what: string): void {
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > MAX_FRAME_BYTES
  ) {
    throw new SocketUsageError(
      "ERR_INVALID_ARGUMENT",
      `${operation}: ${name} is ${what}, a whole number of bytes from 0 to ${MAX_FRAME_BYTES}; got ${String(value)}`,
    );
  }
}

function preview(bytes: Buffer): string {
  const text = bytes.subarray(0, 32).toString("utf8");
  return JSON.stringify(bytes.length > 32 ? `${text}…` : text);
}
