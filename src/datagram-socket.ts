/**
 * A UDP socket (node:dgram) in the lecture's vocabulary: bind, sendto, recvfrom, close. Each
 * datagram is a message of its own: recvfrom returns exactly one, boundaries kept.
 */
import { createSocket, type Socket as DgramSocket } from "node:dgram";
import { isIPv4 } from "node:net";
import { inspect } from "node:util";

import { type Address, type AddressInput, anyHost, defaultHost, parseAddress } from "./address";
import { asBytes, preview } from "./bytes";
import { type AddressFamily, AF_INET, AF_INET6, SOCK_DGRAM } from "./constants";
import { Endpoint } from "./endpoint";
import { formatAddress, toSocketError } from "./errors";
import { checkSize, misuse } from "./misuse";
import { isRecording, recordEvent, type Side, type TraceKind } from "./trace";
import { releasePort, type TrackedSocket, track, untrack } from "./tracker";
import { handlesClosed, type TimeoutOption, timeoutError, validateTimeout, waitFor } from "./wait";

/**
 * Where a DatagramSocket is in its life: created, bound (it has a port), closed.
 *
 * @example
 * udp.state; // "bound"
 */
export type DatagramState = "fresh" | "bound" | "closed";

/**
 * Limits of the queue of datagrams received and not yet read.
 *
 * @example
 * const udp = new DatagramSocket(AF_INET, { maxQueuedDatagrams: 3 }); // to watch datagrams being dropped
 */
export interface DatagramQueueOptions {
  /** Most datagrams kept unread (default 1024). */
  maxQueuedDatagrams?: number;
  /** Most bytes kept unread (default 1 MiB). */
  maxQueuedBytes?: number;
}

interface Datagram {
  data: Buffer;
  from: Address;
}

interface Waiter {
  resolve: (d: Datagram) => void;
  reject: (err: Error) => void;
}

/**
 * A UDP (datagram) socket. Create one with `socket(AF_INET, SOCK_DGRAM)`.
 *
 * Datagrams that arrive before recvfrom asks for them wait in a bounded queue. When it is full,
 * new datagrams are dropped (drop-newest), as the system drops them when a socket's receive
 * buffer is full: UDP does not promise delivery. `droppedDatagrams` counts them.
 *
 * While a recording runs (`startRecording`), bind, sendto (with the destination), recvfrom (with
 * the sender) and close are recorded, and `sequenceDiagram` draws each datagram as one arrow.
 *
 * @example
 * const server = socket(AF_INET, SOCK_DGRAM);
 * await server.bind(["127.0.0.1", 0]);
 * const client = socket(AF_INET, SOCK_DGRAM);
 * await client.sendto(encode("ping"), ["127.0.0.1", server.localPort]);
 * const [data, sender] = await server.recvfrom(1024, { timeout: 1000 });
 */
export class DatagramSocket extends Endpoint implements TrackedSocket {
  /** The socket's type, as Python's `sock.type`. @example udp.type; // "SOCK_DGRAM" */
  readonly type = SOCK_DGRAM;
  /** Datagrams dropped because the queue of unread ones was full. @example udp.droppedDatagrams; // 0 */
  droppedDatagrams = 0;
  private _state: DatagramState = "fresh";
  private sock: DgramSocket | undefined;
  private binding: Promise<void> | undefined;
  private queue: Datagram[] = [];
  private queuedBytes = 0;
  private waiters: Waiter[] = [];
  private failure: Error | undefined;
  private readonly maxDatagrams: number;
  private readonly maxBytes: number;
  /** Trace: a socket that binds itself is a server; one bound by its first sendto, a client. */
  private side: Side = "client";

  /** @param family AF_INET (the default) or AF_INET6. */
  constructor(family: AddressFamily = AF_INET, options: DatagramQueueOptions = {}) {
    super(family);
    this.maxDatagrams = options.maxQueuedDatagrams ?? 1024;
    this.maxBytes = options.maxQueuedBytes ?? 1024 * 1024;
  }

  /** "fresh", "bound" or "closed". @example udp.state; // "bound" */
  get state(): DatagramState {
    return this._state;
  }

  /**
   * Binds the socket to `[host, port]` (a port alone means loopback; "" means all interfaces,
   * only when asked for explicitly; port 0 picks a free port, then readable as `localPort`).
   * Unlike TCP's, this bind is real at once. If this kernel's helper already holds that UDP port
   * (a cell run twice), the old socket is closed first.
   *
   * @example
   * await udp.bind(["127.0.0.1", 0]);
   * udp.localPort; // the port the system chose
   */
  async bind(address: AddressInput): Promise<void> {
    this.usable("bind");
    if (this._state !== "fresh" || this.binding)
      throw misuse.alreadyBound(formatAddress(...this.local));
    const [host, port] = parseAddress(address, this.family, "bind");
    this.binding = this.bindTo(host === "" ? anyHost(this.family) : host, port);
    await this.binding;
    this.side = "server";
    this.trace("bind");
  }

  private async bindTo(host: string, port: number): Promise<void> {
    await releasePort("udp", host, port);
    const sock = createSocket({ type: this.family === AF_INET6 ? "udp6" : "udp4" });
    track(this);
    try {
      const ready = waitFor(sock, ["listening"], ["error"], (e) =>
        toSocketError(e, "bind", host, port),
      );
      sock.bind({ address: host, port });
      await ready;
    } catch (err) {
      await closeDgram(sock);
      this.binding = undefined;
      untrack(this);
      throw err;
    }
    if (this._state === "closed") {
      await closeDgram(sock);
      throw misuse.closedWhileWaiting("bind");
    }
    this.sock = sock;
    const where = sock.address();
    this.local = [where.address, where.port];
    this._state = "bound";
    sock.on("message", (data: Buffer, info) =>
      this.arrived({ data, from: [info.address, info.port] }),
    );
    sock.on("error", (err) => {
      this.failure = toSocketError(err, "recvfrom", ...this.local);
      for (const w of this.waiters.splice(0)) w.reject(this.failure);
    });
  }

  private arrived(d: Datagram): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(d);
      return;
    }
    if (
      this.queue.length >= this.maxDatagrams ||
      this.queuedBytes + d.data.length > this.maxBytes
    ) {
      this.droppedDatagrams += 1;
      return;
    }
    this.queue.push(d);
    this.queuedBytes += d.data.length;
  }

  /**
   * Sends one datagram with `data` to `[host, port]` and resolves with its size once the system
   * has taken it. Delivery is not confirmed: UDP has no connection and no acknowledgement. An
   * unbound socket is first bound to a free port (on loopback when the destination is loopback).
   *
   * @example
   * await udp.sendto(encode("ping"), ["127.0.0.1", 9999]); // 4
   */
  async sendto(data: Uint8Array, address: AddressInput): Promise<number> {
    const bytes = asBytes(data, "sendto");
    this.usable("sendto");
    const [host, port] = parseAddress(address, this.family, "sendto", true);
    if (!this.binding) {
      const loopback =
        host === "localhost" || host === "::1" || (isIPv4(host) && host.startsWith("127."));
      this.binding = this.bindTo(loopback ? defaultHost(this.family) : anyHost(this.family), 0);
    }
    await this.binding;
    const sock = this.usableSocket("sendto");
    const target = host === "" ? defaultHost(this.family) : host;
    const sent = await new Promise<number>((resolve, reject) => {
      sock.send(bytes, port, target, (err, n) =>
        err ? reject(toSocketError(err, "sendto", host, port)) : resolve(n),
      );
    });
    this.trace("sendto", bytes, target, port);
    return sent;
  }

  /**
   * Receives one datagram: resolves with `[data, [host, port]]` of its sender, as soon as one is
   * there. A datagram longer than `max` is cut to `max` bytes and the rest is lost, as in Python.
   *
   * @example
   * const [data, [host, port]] = await udp.recvfrom(1024, { timeout: 1000 });
   */
  async recvfrom(
    max: number,
    options: TimeoutOption = {},
  ): Promise<[data: Buffer, address: Address]> {
    checkSize(max, "recvfrom");
    const timeout = validateTimeout(options.timeout, "recvfrom");
    this.usable("recvfrom");
    if (this._state !== "bound") throw misuse.recvfromUnbound();
    let d = this.queue.shift();
    if (d) this.queuedBytes -= d.data.length;
    else if (this.failure) throw this.failure;
    else d = await this.nextDatagram(timeout);
    const data = d.data.length > max ? d.data.subarray(0, max) : d.data;
    this.trace("recvfrom", data, d.from[0], d.from[1]);
    return [data, [d.from[0], d.from[1]]];
  }

  private nextDatagram(timeout: number | undefined): Promise<Datagram> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.push(waiter);
      if (timeout !== undefined) {
        const where = formatAddress(...this.local);
        timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(timeoutError("recvfrom", `waiting for a datagram on ${where}`, timeout));
        }, timeout);
      }
    });
  }

  /**
   * Closes the socket and resolves once its port is released; a waiting recvfrom rejects with
   * ERR_SOCKET_CLOSED. Closing twice is harmless.
   *
   * @example
   * await udp.close();
   */
  async close(): Promise<void> {
    if (this._state === "closed") return;
    this._state = "closed";
    const closed = misuse.closedWhileWaiting("recvfrom");
    for (const w of this.waiters.splice(0)) w.reject(closed);
    this.queue = [];
    this.queuedBytes = 0;
    // A bind in progress finishes first (and, seeing the socket closed, closes what it opened).
    await this.binding?.catch(() => {});
    const sock = this.sock;
    if (sock) await closeDgram(sock);
    untrack(this);
    // Only a socket that had a port did anything worth drawing.
    if (sock) this.trace("close");
  }

  /** Internal (tracker): closing a UDP socket releases everything it holds. */
  release(): Promise<void> {
    return this.close();
  }

  /** Internal (tracker): the port a bound UDP socket holds. */
  heldPort(): { protocol: "udp"; host: string; port: number } | undefined {
    return this._state === "bound"
      ? { protocol: "udp", host: this.local[0], port: this.local[1] }
      : undefined;
  }

  /** How a notebook shows the socket. */
  [inspect.custom](): string {
    return `DatagramSocket #${this.id} ${this._state} ${formatAddress(...this.local)}`;
  }

  /** Records a step; arguments are plain values, so that nothing is built when nobody records. */
  private trace(kind: TraceKind, data?: Buffer, peerHost?: string, peerPort?: number): void {
    if (!isRecording()) return;
    const amount = data ? { bytes: data.length, preview: preview(data) } : {};
    const peer: { peer?: Address } =
      peerHost === undefined ? {} : { peer: [peerHost, peerPort ?? 0] };
    const local: Address = [this.local[0], this.local[1]];
    recordEvent({ side: this.side, kind, socketId: this.id, ...amount, local, ...peer });
  }

  private usable(operation: string): void {
    if (this._state === "closed") throw misuse.closed(operation, SOCK_DGRAM);
  }

  private usableSocket(operation: string): DgramSocket {
    this.usable(operation);
    return this.sock as DgramSocket;
  }
}

/** Closes a dgram socket and resolves once its port is released and its handle gone. */
async function closeDgram(sock: DgramSocket): Promise<void> {
  await new Promise<void>((resolve) => {
    try {
      sock.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
  await handlesClosed();
}
