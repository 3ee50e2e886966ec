/**
 * A TCP socket in the lecture's vocabulary: bind, listen, accept, connect, send, recv, shutdown,
 * close, each one awaited call. One class for listening and connected sockets, as in Python.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { inspect } from "node:util";

import { type Address, type AddressInput, anyHost, parseAddress } from "./address";
import { asBytes, preview } from "./bytes";
import { Connection, connectTo } from "./connection";
import {
  type AddressFamily,
  AF_INET,
  AF_INET6,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  type ShutdownHow,
} from "./constants";
import { formatAddress, SocketUsageError, systemError, toSocketError } from "./errors";
import { Listener } from "./listener";
import { type FourTuple, recordEvent, type Side, type TraceKind } from "./trace";
import { nextSocketId, releasePort, type TrackedSocket, track, untrack } from "./tracker";
import { timeoutError, validateTimeout } from "./wait";

/**
 * Where a StreamSocket is in its life: created, bound (address chosen), listening (a server),
 * connecting, connected (a client, or a connection returned by accept), closed.
 */
export type StreamState = "fresh" | "bound" | "listening" | "connecting" | "connected" | "closed";

/** Options of the calls that wait: accept, connect, recv. */
export interface TimeoutOption {
  /** Give up after this many milliseconds, rejecting with ERR_TIMEOUT. Default: wait forever. */
  timeout?: number;
}

/**
 * A TCP (stream) socket. Create one with `socket(AF_INET, SOCK_STREAM)`.
 *
 * @example
 * const server = socket(AF_INET, SOCK_STREAM);
 * await server.bind(["127.0.0.1", 0]);
 * await server.listen(1);
 * const client = socket(AF_INET, SOCK_STREAM);
 * await client.connect(["127.0.0.1", server.localPort]);
 * const [connection, clientAddress] = await server.accept();
 * await client.send(encode("hello"));
 * decode(await connection.recv(1024)); // "hello"
 */
export class StreamSocket implements TrackedSocket {
  /** This socket's id in this process (the trace's socketId). */
  readonly id = nextSocketId();
  /** Bytes handed to the system by send. */
  bytesSent = 0;
  /** Bytes returned by recv. */
  bytesReceived = 0;
  private _state: StreamState = "fresh";
  private side: Side = "client";
  private bound: Address | undefined;
  private local: Address;
  private remote: Address | undefined;
  private listener: Listener | undefined;
  private conn: Connection | undefined;
  private accepted = new Set<StreamSocket>();
  private parent: StreamSocket | undefined;
  private readShut = false;
  private writeShut = false;
  private closing: Promise<void> | undefined;
  private readonly closed = new AbortController();

  /** @param family AF_INET (IPv4, the default) or AF_INET6. */
  constructor(readonly family: AddressFamily = AF_INET) {
    if (family !== AF_INET && family !== AF_INET6) {
      throw usage(
        "ERR_INVALID_ARGUMENT",
        `the family is AF_INET or AF_INET6, got ${String(family)}`,
      );
    }
    this.local = [anyHost(family), 0];
  }

  /** Where the socket is in its life: "fresh", "bound", "listening", "connecting", "connected", "closed". */
  get state(): StreamState {
    return this._state;
  }

  /**
   * Chooses the local address: `[host, port]`, or a port alone for loopback. Host "" means all
   * interfaces, reachable from other machines; it must be asked for explicitly, as the lecture's
   * `('', 12345)` does, because a notebook's server should not be open to the network by accident.
   * Port 0 lets the system pick a free port, readable after listen() as `localPort`.
   *
   * Node has no separate bind for TCP: this checks and records the address, and the system binds
   * it inside listen() (a server) or connect() (a client choosing its own port). So a port that is
   * taken is reported by listen(), not here.
   *
   * @example
   * await server.bind(["127.0.0.1", 12345]);
   */
  async bind(address: AddressInput): Promise<void> {
    this.usable("bind");
    if (this.bound || this._state === "listening") {
      throw usage(
        "ERR_ALREADY_BOUND",
        `bind: this socket is already bound to ${formatAddress(...this.local)}; a socket is bound once (create a new socket for another address)`,
      );
    }
    if (this._state !== "fresh") {
      throw usage(
        "ERR_ALREADY_CONNECTED",
        "bind: this socket is already connected; bind comes before connect",
      );
    }
    this.bound = parseAddress(address, this.family, "bind");
    this.local = [this.bound[0] === "" ? anyHost(this.family) : this.bound[0], this.bound[1]];
    this._state = "bound";
  }

  /**
   * Starts accepting connections on the bound address (here Node really binds, then listens).
   * If this kernel's helper already listens on that host and port (a cell run twice), the old
   * listener and its connections are closed first. `backlog` goes to the system; Node takes each
   * connection from the system as it arrives, and it waits here, unread, until accept().
   *
   * @example
   * await server.bind(["127.0.0.1", 0]);
   * await server.listen(1);
   * server.localPort; // the port the system chose
   */
  async listen(backlog = 128): Promise<void> {
    this.usable("listen");
    if (this._state === "listening") return;
    if (this._state === "connecting" || this._state === "connected") {
      throw usage(
        "ERR_ALREADY_CONNECTED",
        "listen: this socket is connected; a server needs its own socket: socket(AF_INET, SOCK_STREAM)",
      );
    }
    if (!this.bound) {
      throw usage(
        "ERR_NOT_BOUND",
        'listen: bind the socket to an address first, e.g. await server.bind(["127.0.0.1", 12345])',
      );
    }
    if (!Number.isInteger(backlog) || backlog < 0) {
      throw usage(
        "ERR_INVALID_ARGUMENT",
        `listen takes a backlog, a whole number like listen(1); got ${String(backlog)}`,
      );
    }
    const [host, port] = this.bound;
    this._state = "connecting";
    track(this);
    try {
      const ip = await this.resolve(host === "" ? anyHost(this.family) : host, port);
      await releasePort("tcp", ip, port);
      this.usable("listen");
      this.listener = await Listener.open(ip, port, backlog, host, this.closed.signal);
    } catch (err) {
      if (this.state !== "closed") {
        this._state = "bound";
        untrack(this);
      }
      throw err;
    }
    this.local = this.listener.address;
    this._state = "listening";
    this.side = "server";
    this.trace("listen");
  }

  /**
   * Waits for a client and resolves with `[connection, clientAddress]`, like Python's
   * `connection, client_address = sock.accept()`. The connection is a new StreamSocket for
   * talking to that one client; this socket keeps listening.
   *
   * @example
   * const [connection, clientAddress] = await server.accept({ timeout: 5000 });
   */
  async accept(options: TimeoutOption = {}): Promise<[connection: StreamSocket, address: Address]> {
    this.usable("accept");
    const timeout = validateTimeout(options.timeout, "accept");
    if (this._state !== "listening" || !this.listener) {
      throw usage(
        "ERR_NOT_LISTENING",
        this._state === "connected"
          ? "accept: this is a connected socket; accept is for a server socket after bind and listen"
          : "accept: the socket is not listening; call bind(...) then listen() first",
      );
    }
    const arrival = await this.listener.next(timeout, this.closed.signal);
    const connection = new StreamSocket(this.family);
    connection.side = "server";
    connection.parent = this;
    connection.adopt(new Connection(arrival));
    this.accepted.add(connection);
    connection.trace("accept");
    return [connection, connection.getpeername()];
  }

  /**
   * Connects to a server at `[host, port]` (the system picks this side's port unless bind chose
   * one). Rejects with ECONNREFUSED when nothing listens there.
   *
   * @example
   * const client = socket(AF_INET, SOCK_STREAM);
   * await client.connect(["127.0.0.1", 12345], { timeout: 2000 });
   */
  async connect(address: AddressInput, options: TimeoutOption = {}): Promise<void> {
    this.usable("connect");
    if (this._state === "listening") {
      throw usage(
        "ERR_ALREADY_LISTENING",
        "connect: this socket is listening; a client needs its own socket: socket(AF_INET, SOCK_STREAM)",
      );
    }
    if (this._state === "connecting" || this._state === "connected") {
      const to = this.remote ? ` to ${formatAddress(...this.remote)}` : "";
      throw usage(
        "ERR_ALREADY_CONNECTED",
        `connect: this socket is already connected${to}; a socket connects once, create a new one`,
      );
    }
    const [host, port] = parseAddress(address, this.family, "connect", true);
    const timeout = validateTimeout(options.timeout, "connect");
    const before = this._state;
    this._state = "connecting";
    track(this);
    try {
      const ip = host === "" ? anyHost(this.family) : host;
      const family = this.family === AF_INET6 ? 6 : 4;
      const local = this.bound ?? ["", 0];
      this.adopt(
        new Connection(
          await connectTo({ host, ip, port, family, local }, timeout, this.closed.signal),
        ),
      );
    } catch (err) {
      if (this.state !== "closed") {
        this._state = before;
        untrack(this);
      }
      throw err;
    }
    this.trace("connect");
  }

  private adopt(conn: Connection): void {
    this.conn = conn;
    this.local = conn.local;
    this.remote = conn.remote;
    this._state = "connected";
    track(this);
  }

  /**
   * Sends all of `data` (bytes: encode text first) and resolves with the number of bytes once
   * the system has taken them, waiting while the network is slower than the program (like
   * Python's `sendall`). A fast sender thus never piles data up in memory.
   *
   * @example
   * await client.send(encode("hello")); // 5
   */
  async send(data: Uint8Array): Promise<number> {
    const bytes = asBytes(data, "send");
    const conn = this.connection("send");
    if (this.writeShut) throw systemError("EPIPE", "send", ...this.peer());
    if (!conn.writable) throw conn.failure ?? systemError("EPIPE", "send", ...this.peer());
    if (bytes.length === 0) return 0;
    await conn.write(bytes, () =>
      this.state === "closed"
        ? usage(
            "ERR_SOCKET_CLOSED",
            "send: the socket was closed before all the data was handed to the system",
          )
        : undefined,
    );
    this.bytesSent += bytes.length;
    this.trace("send", bytes);
    return bytes.length;
  }

  /**
   * Receives at most `max` bytes: resolves as soon as any are there (possibly fewer than `max`:
   * TCP is a stream, one send may arrive as several recv results and several sends as one), and
   * with an empty Buffer once the peer has closed (or shut down) its sending side. Bytes are
   * never lost or reordered between calls; calls made together are served in call order.
   *
   * @example
   * const data = await connection.recv(1024);
   * if (data.length === 0) console.log("the client closed the connection");
   */
  async recv(max: number, options: TimeoutOption = {}): Promise<Buffer> {
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1) {
      throw usage(
        "ERR_INVALID_ARGUMENT",
        `recv takes the largest number of bytes to receive, a whole number like recv(1024); got ${String(max)}`,
      );
    }
    const timeout = validateTimeout(options.timeout, "recv");
    const conn = this.connection("recv");
    const onTimeout = () =>
      timeoutError("recv", `waiting for data from ${formatAddress(...this.peer())}`, timeout ?? 0);
    const data = this.readShut ? Buffer.alloc(0) : await conn.queue.read(max, timeout, onTimeout);
    this.bytesReceived += data.length;
    this.trace("recv", data);
    return data;
  }

  /**
   * Internal, for framing (recvLine, recvExactly): puts bytes back at the head of the receive
   * queue, so that the next recv returns them first. Use it only with bytes this socket's recv
   * returned and nobody has used, putting back the last ones read first.
   *
   * @internal
   * @example
   * const data = await sock.recv(1024);
   * const end = data.indexOf(10) + 1;
   * sock.unrecv(data.subarray(end)); // the bytes after the first line are for the next read
   */
  unrecv(data: Uint8Array): void {
    const bytes = asBytes(data, "unrecv");
    const conn = this.connection("unrecv");
    this.bytesReceived -= Math.min(bytes.length, this.bytesReceived);
    conn.queue.unshift(Buffer.from(bytes));
  }

  /**
   * Closes one direction of the connection. SHUT_WR (a half-close) tells the peer that this side
   * will send nothing more: its recv resolves empty, while this side can still receive its
   * reply. SHUT_RD makes later recv calls here resolve empty. SHUT_RDWR does both.
   *
   * @example
   * await client.send(encode("all of my request"));
   * await client.shutdown(SHUT_WR);
   * const reply = await client.recv(1024);
   */
  async shutdown(how: ShutdownHow): Promise<void> {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) {
      throw usage(
        "ERR_INVALID_ARGUMENT",
        `shutdown takes SHUT_RD, SHUT_WR or SHUT_RDWR; got ${String(how)}`,
      );
    }
    const conn = this.connection("shutdown");
    if (how !== SHUT_WR) this.readShut = true;
    if (how !== SHUT_RD && !this.writeShut) {
      this.writeShut = true;
      await conn.endWrite();
    }
    this.trace("shutdown");
  }

  /**
   * Closes the socket and resolves once the system has released it. A listening socket stops
   * accepting (connections it already accepted stay open; ones not yet accepted are closed); a
   * connection sends what send handed to the system, then FIN. Waiting calls (accept, recv, a
   * connect in progress) reject with ERR_SOCKET_CLOSED. Closing twice is harmless.
   *
   * @example
   * await connection.close();
   */
  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async closeNow(): Promise<void> {
    const was = this._state;
    this._state = "closed";
    const closedWhileWaiting = (op: string) =>
      usage("ERR_SOCKET_CLOSED", `${op}: the socket was closed while ${op} was waiting`);
    this.closed.abort(closedWhileWaiting(was === "listening" ? "accept" : "connect"));
    await this.listener?.close();
    await this.conn?.close(closedWhileWaiting("recv"));
    this.parent?.accepted.delete(this);
    untrack(this);
    if (was !== "fresh" && was !== "bound") this.trace("close");
  }

  /** Internal (tracker): closes this socket, and for a listener every connection it accepted. */
  async release(): Promise<void> {
    await Promise.all([...this.accepted].map((c) => c.close()));
    await this.close();
  }

  /** Internal (tracker): the port a listening socket holds. */
  heldPort(): { protocol: "tcp"; host: string; port: number } | undefined {
    return this._state === "listening"
      ? { protocol: "tcp", host: this.local[0], port: this.local[1] }
      : undefined;
  }

  /**
   * This side's address `[host, port]`, like Python's `getsockname()`. After listen or connect
   * the port is the real one (the system's pick for port 0). Still readable after close.
   *
   * @example
   * const [host, port] = server.getsockname();
   */
  getsockname(): Address {
    return [this.local[0], this.local[1]];
  }

  /**
   * The other side's address `[host, port]`, like Python's `getpeername()`; throws
   * ERR_NOT_CONNECTED on a socket that never had a peer. Still readable after close.
   *
   * @example
   * const [clientHost, clientPort] = connection.getpeername();
   */
  getpeername(): Address {
    if (!this.remote) {
      throw usage(
        "ERR_NOT_CONNECTED",
        "getpeername: this socket has no peer; only a connected socket (connect, or accept's connection) has one",
      );
    }
    return [this.remote[0], this.remote[1]];
  }

  /** This side's host. @example server.localAddress; // "127.0.0.1" */
  get localAddress(): string {
    return this.local[0];
  }

  /** This side's port (0 until listen or connect picked one). @example client.connect(["127.0.0.1", server.localPort]); */
  get localPort(): number {
    return this.local[1];
  }

  /** The peer's host, "" before a connection. @example connection.remoteAddress; // "127.0.0.1" */
  get remoteAddress(): string {
    return this.remote ? this.remote[0] : "";
  }

  /** The peer's port, 0 before a connection. @example connection.remotePort; // e.g. 53412 */
  get remotePort(): number {
    return this.remote ? this.remote[1] : 0;
  }

  /**
   * The 4-tuple (local address and port, remote address and port) that tells this connection
   * apart from every other; the remote half is "" and 0 before a connection. Kept after close.
   *
   * @example
   * const { localPort, remotePort } = connection.fourTuple;
   */
  get fourTuple(): FourTuple {
    return {
      localAddress: this.localAddress,
      localPort: this.localPort,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
    };
  }

  /** How a notebook shows the socket: id, state and addresses instead of Node's internals. */
  [inspect.custom](): string {
    const peer = this.remote ? ` -> ${formatAddress(...this.remote)}` : "";
    return `StreamSocket #${this.id} ${this._state} ${formatAddress(...this.local)}${peer}`;
  }

  private usable(operation: string): void {
    if (this._state === "closed") {
      throw usage(
        "ERR_SOCKET_CLOSED",
        `${operation}: the socket is closed; create a new one with socket(AF_INET, SOCK_STREAM)`,
      );
    }
  }

  private connection(operation: string): Connection {
    this.usable(operation);
    if (this._state !== "connected" || !this.conn) {
      throw usage(
        "ERR_NOT_CONNECTED",
        this._state === "listening"
          ? `${operation}: a listening socket carries no data; use the connection that accept() returned`
          : `${operation}: the socket is not connected; connect (client) or accept (server) first`,
      );
    }
    return this.conn;
  }

  private peer(): Address {
    return this.remote ?? ["", 0];
  }

  private async resolve(host: string, port: number): Promise<string> {
    if (isIP(host) !== 0) return host;
    try {
      return (await lookup(host, { family: this.family === AF_INET6 ? 6 : 4 })).address;
    } catch (err) {
      throw toSocketError(err, "getaddrinfo", host, port);
    }
  }

  private trace(kind: TraceKind, data?: Buffer): void {
    const amount = data ? { bytes: data.length, preview: preview(data) } : {};
    recordEvent({ side: this.side, kind, socketId: this.id, ...amount, fourTuple: this.fourTuple });
  }
}

function usage(code: SocketUsageError["code"], message: string): SocketUsageError {
  return new SocketUsageError(code, message);
}
