/**
 * The receive side of a UDP socket: datagrams that arrived and have not been read, and the
 * recv/recvfrom calls waiting for one, served in call order. Bounded, like the system's receive
 * buffer: when it is full, new datagrams are dropped (drop-newest) and counted.
 */
import type { Address } from "../address";
import type { DatagramQueueOptions } from "../datagram-queue-options";
import { startTimeout } from "./wait";

/**
 * Internal: one received datagram and its sender.
 *
 * @example
 * const d: Datagram = { data: Buffer.from("ping"), from: ["127.0.0.1", 5000] };
 */
export interface Datagram {
  data: Buffer;
  from: Address;
}

interface Waiter {
  resolve: (d: Datagram) => void;
  reject: (err: Error) => void;
}

/**
 * Internal: a UDP socket's unread datagrams and waiting calls.
 *
 * @example
 * const queue = new DatagramQueue(1024, 1024 * 1024);
 * sock.on("message", (data, info) => queue.arrived({ data, from: [info.address, info.port] }));
 * const d = queue.take() ?? (await queue.wait(1000, () => new Error("timed out")));
 */
export class DatagramQueue {
  /** Datagrams dropped because the queue was full. */
  dropped = 0;
  private datagrams: Datagram[] = [];
  private bytes = 0;
  private waiters: Waiter[] = [];

  constructor(
    private readonly maxDatagrams: number,
    private readonly maxBytes: number,
  ) {}

  /** The queue of a DatagramSocket made with `options` (defaults: 1024 datagrams, 1 MiB). */
  static within(options: DatagramQueueOptions): DatagramQueue {
    return new DatagramQueue(
      options.maxQueuedDatagrams ?? 1024,
      options.maxQueuedBytes ?? 1024 * 1024,
    );
  }

  /** How many datagrams wait unread. */
  get length(): number {
    return this.datagrams.length;
  }

  /** A datagram arrived: to the first waiting call, else into the queue if there is room. */
  arrived(d: Datagram): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(d);
      return;
    }
    if (this.datagrams.length >= this.maxDatagrams || this.bytes + d.data.length > this.maxBytes) {
      this.dropped += 1;
      return;
    }
    this.datagrams.push(d);
    this.bytes += d.data.length;
  }

  /** Gives back a datagram a call took but nobody will see: to the next call, first in line. */
  requeue(d: Datagram): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(d);
      return;
    }
    this.datagrams.unshift(d);
    this.bytes += d.data.length;
  }

  /** The oldest unread datagram, if any. */
  take(): Datagram | undefined {
    const d = this.datagrams.shift();
    if (d) this.bytes -= d.data.length;
    return d;
  }

  /** Waits for the next datagram; after `timeout` ms rejects with `onTimeout()`. */
  wait(timeout: number | undefined, onTimeout: () => Error): Promise<Datagram> {
    return new Promise((resolve, reject) => {
      let cancelTimeout: (() => void) | undefined;
      const waiter: Waiter = {
        resolve: (d) => {
          cancelTimeout?.();
          resolve(d);
        },
        reject: (err) => {
          cancelTimeout?.();
          reject(err);
        },
      };
      this.waiters.push(waiter);
      if (timeout !== undefined) {
        cancelTimeout = startTimeout(timeout, () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(onTimeout());
        });
      }
    });
  }

  /** Rejects the first waiting call with `err`; false when none waits. */
  rejectFirst(err: Error): boolean {
    const waiter = this.waiters.shift();
    waiter?.reject(err);
    return waiter !== undefined;
  }

  /** Rejects every waiting call with `err`. */
  rejectAll(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  /** Drops the unread datagrams. */
  clear(): void {
    this.datagrams = [];
    this.bytes = 0;
  }
}
