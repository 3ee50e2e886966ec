/**
 * A UDP socket (node:dgram) in the lecture's vocabulary: bind, sendto, recvfrom, close. Each
 * datagram is a message of its own: recvfrom returns exactly one, boundaries kept.
 */
import type { Socket as DgramSocket } from "node:dgram";
import { inspect } from "node:util";
import { atCall, atCallOnReject } from "../errors/error-view";
import { checkSize, misuse } from "../errors/misuse";
import { formatAddress, toSocketError } from "../errors/socket-error";
import { isRecording, recordEvent, type Side, type TraceKind } from "../trace/recording";
import { type Address, type AddressInput, anyHost, defaultHost, parseAddress } from "./address";
import { asBytes, preview } from "./bytes";
import { type AddressFamily, AF_INET, SOCK_DGRAM } from "./constants";
import type { DatagramQueueOptions } from "./datagram-queue-options";
import type { DatagramState } from "./datagram-state";
import { DatagramPeer } from "./internal/datagram-peer";
import { DatagramQueue } from "./internal/datagram-queue";
import {
  bindDatagram,
  closeDatagram,
  connectDatagram,
  implicitBindHost,
  receiveDatagrams,
  sendDatagram,
} from "./internal/dgram-calls";
import { Endpoint } from "./internal/endpoint";
import { type PairPromise, pairPromise, whenUnawaited } from "./internal/forgot-await";
import { PendingCalls } from "./internal/pending-calls";
import { kHeldPort, kRelease } from "./internal/symbols";
import { releasePort, type TrackedSocket, track, untrack } from "./internal/tracker";
import { type TimeoutOption, timeoutError, validateTimeout } from "./internal/wait";

export type { DatagramQueueOptions } from "./datagram-queue-options";
export type { DatagramState } from "./datagram-state";

/**
 * A UDP (datagram) socket. Create one with `socket(AF_INET, SOCK_DGRAM)`.
 *
 * Datagrams that arrive before recvfrom asks for them wait in a bounded queue. When it is full,
 * new datagrams are dropped (drop-newest), as the system drops them when a socket's receive
 * buffer is full: UDP does not promise delivery. `droppedDatagrams` counts them.
 *
 * connect(address) ties the socket to one peer (see connect()); disconnect() unties it.
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
  get droppedDatagrams(): number {
    return this.queue.dropped;
  }
  private _state: DatagramState = "fresh";
  private sock: DgramSocket | undefined;
  private binding: Promise<void> | undefined;
  private readonly queue: DatagramQueue;
  private failure: Error | undefined;
  private readonly peer = new DatagramPeer();
  private readonly pending = new PendingCalls();
  /** Trace: a socket that binds itself is a server; one bound by its first sendto, a client. */
  private side: Side = "client";

  /** @param family AF_INET (the default) or AF_INET6. */
  constructor(family: AddressFamily = AF_INET, options: DatagramQueueOptions = {}) {
    super(family);
    this.queue = DatagramQueue.within(options);
  }

  /** "fresh", "bound", "connected" or "closed". @example udp.state; // "bound" */
  get state(): DatagramState {
    return this._state;
  }

  /**
   * Binds the socket to `[host, port]` (a port alone means loopback; "" means all interfaces,
   * only when asked for explicitly; port 0 picks a free port, then readable as `localPort`).
   * Unlike TCP's, this bind is real at once. If this Jupyter kernel's helper already holds that UDP port
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
    await atCallOnReject(this.binding);
    this.side = "server";
    this.trace("bind");
  }

  private async bindTo(host: string, port: number): Promise<void> {
    await releasePort("udp", host, port);
    track(this);
    const sock = await bindDatagram(this.family, host, port).catch((err) => {
      this.binding = undefined;
      untrack(this);
      throw err;
    });
    if (this._state === "closed") {
      await closeDatagram(sock);
      throw misuse.closedWhileWaiting("bind");
    }
    this.sock = sock;
    this.readLocal(sock);
    this._state = "bound";
    receiveDatagrams(sock, this.queue, this.peer, (err) => {
      this.failure = toSocketError(err, "recvfrom", ...this.local);
      this.queue.rejectAll(this.failure);
    });
  }

  /** Binds an unbound socket to a free port, on loopback when `host` is loopback. */
  private bindFor(host: string): Promise<void> {
    this.binding ??= this.bindTo(implicitBindHost(host, this.family), 0);
    return this.binding;
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
    this.peer.checkSendto();
    await atCallOnReject(this.bindFor(host));
    const sock = this.usableSocket("sendto");
    const target = host === "" ? defaultHost(this.family) : host;
    const sent = await atCallOnReject(sendDatagram(sock, bytes, "sendto", host, port, target));
    if (this.local[1] === 0) this.readLocal(sock);
    this.trace("sendto", bytes, target, port);
    return sent;
  }

  /**
   * Ties the socket to one peer, `[host, port]`, as Python's `udp.connect(address)`: no packet is
   * sent (UDP has no handshake), the operating system only records the peer. Then send(data) needs
   * no address, recv and recvfrom return only that peer's datagrams, getpeername() names it, and
   * the operating system's ICMP "port unreachable" (nothing listens there) makes the next send or
   * recv reject with ECONNREFUSED (an unconnected socket never hears of it). An unbound socket is
   * first bound to a free port (on loopback when the peer is). Connecting again changes the peer
   * (Node unties the socket first, so unlike Python's a port the system chose may change then).
   *
   * @example
   * const udp = socket(AF_INET, SOCK_DGRAM);
   * await udp.connect(["127.0.0.1", server.localPort]);
   * await udp.send(encode("ping"));
   * const reply = await udp.recv(1024, { timeout: 1000 });
   */
  async connect(address: AddressInput): Promise<void> {
    this.usable("connect");
    const [host, port] = parseAddress(address, this.family, "connect", true);
    this.peer.connecting += 1;
    try {
      await this.tie(host, port);
    } catch (err) {
      throw atCall(err);
    } finally {
      this.peer.connecting -= 1;
    }
  }

  private async tie(host: string, port: number): Promise<void> {
    await this.bindFor(host);
    const sock = this.usableSocket("connect");
    if (this.peer.address) this.untie(sock);
    const target = host === "" ? defaultHost(this.family) : host;
    this.peer.address = await connectDatagram(sock, host, target, port);
    this._state = "connected";
    this.readLocal(sock);
  }

  /**
   * Unties a connected socket from its peer (Python: `connect((AF_UNSPEC, ...))`): it receives
   * from anyone again, and sends with sendto. Linux keeps a port that bind asked for by number;
   * a port the system chose (bind to port 0, or the first sendto or connect) is given back, as in
   * Python: `localPort` is then 0 until the next sendto, which gets a new one.
   *
   * @example
   * await udp.disconnect();
   * udp.state; // "bound"
   */
  async disconnect(): Promise<void> {
    const sock = this.usableSocket("disconnect");
    if (!this.peer.address) throw misuse.notConnectedUdp("disconnect");
    this.untie(sock);
  }

  private untie(sock: DgramSocket): void {
    this.peer.untie(sock);
    this._state = "bound";
    this.readLocal(sock);
  }

  /** The system may have changed the local port: dropped by disconnect, chosen by a send. */
  private readLocal(sock: DgramSocket): void {
    const where = sock.address();
    this.local = [where.address, where.port];
  }

  /**
   * The peer that connect() chose, `[host, port]`; throws ERR_NOT_CONNECTED when there is none.
   *
   * @example
   * const [host, port] = udp.getpeername();
   */
  getpeername(): Address {
    return this.peer.name();
  }

  /** The peer's host, "" when not connected. @example udp.remoteAddress; // "127.0.0.1" */
  get remoteAddress(): string {
    return this.peer.address ? this.peer.address[0] : "";
  }

  /** The peer's port, 0 when not connected. @example udp.remotePort; */
  get remotePort(): number {
    return this.peer.address ? this.peer.address[1] : 0;
  }

  /**
   * Sends one datagram to the connected peer and resolves with its size once the system has
   * taken it. Rejects with ECONNREFUSED when an earlier datagram found nothing listening there
   * (once: the next send may go out again), and with EDESTADDRREQ on a socket that is not
   * connected, as Python does (use sendto with an address there).
   *
   * @example
   * await udp.connect(["127.0.0.1", 9999]);
   * await udp.send(encode("ping")); // 4
   */
  async send(data: Uint8Array): Promise<number> {
    const bytes = asBytes(data, "send");
    const sock = this.usableSocket("send");
    const peer = this.peer.destination();
    const sent = await atCallOnReject(sendDatagram(sock, bytes, "send", ...peer));
    this.trace("sendto", bytes, peer[0], peer[1]);
    return sent;
  }

  /**
   * Receives one datagram and resolves with its bytes only, like Python's `udp.recv(1024)`: on a
   * connected socket they come from its peer, elsewhere from anyone (recvfrom also says who).
   * A datagram longer than `max` is cut to `max` bytes.
   *
   * @example
   * const reply = await udp.recv(1024, { timeout: 1000 });
   */
  recv(max: number, options: TimeoutOption = {}): Promise<Buffer> {
    let from: Address | undefined;
    const receiving = this.pending.run((done) =>
      this.receive(max, options, "recv", done).then(([data, sender]) => {
        from = sender;
        return data;
      }),
    );
    // decode(udp.recv(1024)) without await: the next recv gets this datagram.
    return whenUnawaited(receiving, (data) => this.queue.requeue({ data, from: from as Address }));
  }

  /**
   * Receives one datagram: resolves with `[data, [host, port]]` of its sender, as soon as one is
   * there. A datagram longer than `max` is cut to `max` bytes and the rest is lost, as in Python.
   *
   * @example
   * const [data, [host, port]] = await udp.recvfrom(1024, { timeout: 1000 });
   */
  recvfrom(
    max: number,
    options: TimeoutOption = {},
  ): PairPromise<[data: Buffer, address: Address], "recvfrom"> {
    const receiving = this.pending.run((done) => this.receive(max, options, "recvfrom", done));
    return pairPromise(
      receiving,
      "recvfrom",
      "const [data, sender] = await udp.recvfrom(1024)",
      () => {
        // Unpacked without await: the next recv or recvfrom gets this datagram.
        receiving.then(
          ([data, from]) => this.queue.requeue({ data, from }),
          () => {},
        );
      },
    );
  }

  private async receive(
    max: number,
    options: TimeoutOption,
    op: "recv" | "recvfrom",
    done: () => void,
  ): Promise<[data: Buffer, address: Address]> {
    try {
      checkSize(max, op);
      const timeout = validateTimeout(options.timeout, op);
      this.usable(op);
      if (this._state === "fresh" && this.binding) throw misuse.notFinished(op, "bind");
      if (this._state !== "bound" && this._state !== "connected") throw misuse.recvfromUnbound(op);
      let d = this.queue.take();
      if (!d && this.failure) throw this.failure;
      if (!d) {
        this.peer.throwRefused(op);
        const where = formatAddress(...this.local);
        try {
          d = await this.queue.wait(timeout, () =>
            timeoutError(op, `waiting for a datagram on ${where}`, timeout ?? 0),
          );
        } catch (err) {
          throw atCall(err);
        }
      }
      const data = d.data.length > max ? d.data.subarray(0, max) : d.data;
      this.trace("recvfrom", data, d.from[0], d.from[1]);
      return [data, [d.from[0], d.from[1]]];
    } finally {
      done();
    }
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
    this.pending.quiet();
    this.queue.rejectAll(misuse.closedWhileWaiting("recvfrom"));
    this.queue.clear();
    // A bind in progress finishes first (and, seeing the socket closed, closes what it opened).
    await this.binding?.catch(() => {});
    const sock = this.sock;
    if (sock) await closeDatagram(sock);
    untrack(this);
    // Only a socket that had a port did anything worth drawing.
    if (sock) this.trace("close");
  }

  /** For the tracker: closing a UDP socket releases everything it holds. */
  [kRelease](): Promise<void> {
    return this.close();
  }

  /** For the tracker: the port a bound UDP socket holds. */
  [kHeldPort](): { protocol: "udp"; host: string; port: number } | undefined {
    return this._state === "bound" || this._state === "connected"
      ? { protocol: "udp", host: this.local[0], port: this.local[1] }
      : undefined;
  }

  /** How a notebook shows the socket. */
  [inspect.custom](): string {
    const peer = this.peer.address ? ` -> ${formatAddress(...this.peer.address)}` : "";
    return `DatagramSocket #${this.id} ${this._state} ${formatAddress(...this.local)}${peer}`;
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
