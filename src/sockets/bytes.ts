/**
 * Sockets carry bytes. These check that a call got bytes (text must be encoded first) and make a
 * short label of some bytes for a recorded trace.
 */

import { misuse } from "../errors/misuse";
import { SocketUsageError } from "../errors/socket-error";
import { unawaited } from "./internal/forgot-await";

/**
 * Internal: `data` as a Buffer sharing its memory; a string or anything else is the learner's
 * mistake, reported as ERR_INVALID_ARGUMENT with what to write instead.
 *
 * @example
 * asBytes(encode("hi"), "send"); // <Buffer 68 69>
 * asBytes("hi", "send");         // throws: send takes bytes: encode your text first
 */
export function asBytes(data: unknown, operation: string): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof Promise) {
    unawaited(data);
    throw misuse.promiseNotBytes(operation);
  }
  const got = typeof data === "string" ? "a string" : String(data);
  throw new SocketUsageError(
    "ERR_INVALID_ARGUMENT",
    `${operation} takes bytes: encode your text first, ${operation}(encode(message)); got ${got}`,
  );
}

/**
 * Internal: the first bytes as one line of text for a trace label: newlines as "\n", other
 * control characters as ".", "…" when there is more.
 *
 * @example
 * preview(encode("hello\n")); // "hello\\n"
 */
export function preview(data: Uint8Array, max = 24): string {
  const text = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, max)).toString(
    "utf8",
  );
  let shown = "";
  for (const c of text) shown += c === "\n" ? "\\n" : c < " " || c === "\u007f" ? "." : c;
  return data.byteLength > max ? `${shown}…` : shown;
}

/** Internal: a byte count as error messages and diagram labels write it ("1 byte", "65,536 bytes"). */
export function byteCount(n: number): string {
  const digits = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${digits} ${n === 1 ? "byte" : "bytes"}`;
}
