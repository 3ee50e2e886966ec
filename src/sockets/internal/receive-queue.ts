/**
 * The receive side of a TCP connection: the bytes that arrived and have not been recv'd yet, in
 * order, and the recv calls waiting for them, served in call order. This is what makes recv(n)
 * behave like the system call: at most n bytes, as soon as any are there, never a byte lost or
 * reordered however the data arrives, and an empty Buffer once the peer has closed.
 *
 * Memory stays bounded: when more than `highWaterMark` bytes wait unread, the connection is
 * paused (Node stops reading from the operating system, whose buffer then fills, and TCP's flow control
 * slows the sender down), and resumed once the reader has caught up.
 */
import { SocketUsageError } from "../../errors/socket-error";
import { startTimeout } from "./wait";

/**
 * Internal: what the queue needs from the connection to apply backpressure (a net.Socket has it).
 *
 * @example
 * const flow: Flow = rawSocket;
 */
export interface Flow {
  pause(): void;
  resume(): void;
}

interface Waiter {
  max: number;
  resolve: (data: Buffer) => void;
  reject: (err: Error) => void;
  cancelTimeout: (() => void) | undefined;
}

/**
 * Default bound on unread bytes held in memory per connection: 1 MiB.
 *
 * @example
 * new ReceiveQueue(rawSocket, RECEIVE_HIGH_WATER_MARK);
 */
export const RECEIVE_HIGH_WATER_MARK = 1024 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * Internal: one connection's unread bytes and waiting recv calls.
 *
 * @example
 * const queue = new ReceiveQueue(rawSocket);
 * rawSocket.on("data", (chunk) => queue.push(chunk));
 * const data = await queue.read(1024);
 */
export class ReceiveQueue {
  private chunks: Buffer[] = [];
  private waiters: Waiter[] = [];
  private ended = false;
  private failure: Error | undefined;
  private paused = false;
  /** Bytes received and not yet read. */
  queued = 0;

  constructor(
    private readonly flow: Flow,
    private readonly highWaterMark = RECEIVE_HIGH_WATER_MARK,
  ) {}

  /** Bytes arrived from the network. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.queued += chunk.length;
    this.serve();
    if (this.queued >= this.highWaterMark && !this.paused) {
      this.paused = true;
      this.flow.pause();
    }
  }

  /** Puts bytes back at the head, to be read first (framing read too much). */
  unshift(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.unshift(chunk);
    this.queued += chunk.length;
    this.serve();
  }

  /** The peer will send no more: once the queue is drained, reads resolve empty. */
  end(): void {
    this.ended = true;
    this.serve();
  }

  /** The connection failed: once the queue is drained, reads reject with `err`. */
  fail(err: Error): void {
    if (this.failure === undefined && !this.ended) this.failure = err;
    this.serve();
  }

  /** This side closed: waiting reads reject with `err`, queued bytes are dropped. */
  close(err: Error): void {
    this.chunks = [];
    this.queued = 0;
    for (const w of this.waiters.splice(0)) settle(w, () => w.reject(err));
  }

  /** Reads at most `max` bytes: at once if any are queued, else as soon as some arrive. */
  read(max: number, timeout?: number, onTimeout?: () => Error): Promise<Buffer> {
    if (this.waiters.length === 0 && (this.queued > 0 || this.ended || this.failure)) {
      return this.failure && this.queued === 0
        ? Promise.reject(this.failure)
        : Promise.resolve(this.take(max));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { max, resolve, reject, cancelTimeout: undefined };
      if (timeout !== undefined) {
        waiter.cancelTimeout = startTimeout(timeout, () => {
          // Leaving the line before rejecting: bytes that arrive later go to the next reader.
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(onTimeout ? onTimeout() : new SocketUsageError("ERR_TIMEOUT", "recv timed out"));
        });
      }
      this.waiters.push(waiter);
    });
  }

  private serve(): void {
    while (this.waiters.length > 0) {
      if (this.queued > 0 || (this.ended && !this.failure)) {
        const w = this.waiters.shift() as Waiter;
        const data = this.take(w.max);
        settle(w, () => w.resolve(data));
      } else if (this.failure) {
        const w = this.waiters.shift() as Waiter;
        const failure = this.failure;
        settle(w, () => w.reject(failure));
      } else {
        return;
      }
    }
  }

  private take(max: number): Buffer {
    if (this.queued === 0) return EMPTY;
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length > max) {
      out = first.subarray(0, max);
      this.chunks[0] = first.subarray(max);
    } else {
      // Gather whole chunks while they fit, then part of the next: like the operating system, hand over
      // everything available up to max.
      const parts: Buffer[] = [];
      let size = 0;
      while (this.chunks.length > 0 && size < max) {
        const chunk = this.chunks[0];
        const room = max - size;
        if (chunk.length <= room) {
          parts.push(chunk);
          size += chunk.length;
          this.chunks.shift();
        } else {
          parts.push(chunk.subarray(0, room));
          this.chunks[0] = chunk.subarray(room);
          size += room;
        }
      }
      out = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    }
    this.queued -= out.length;
    if (this.paused && this.queued < this.highWaterMark / 2) {
      this.paused = false;
      this.flow.resume();
    }
    return out;
  }
}

function settle(w: Waiter, action: () => void): void {
  w.cancelTimeout?.();
  action();
}
