/**
 * A TCP socket in the lecture's vocabulary: bind, listen, accept, connect, send, recv, shutdown,
 * close, each one awaited call. One class for listening and connected sockets, as in Python.
 */
import { inspect } from "node:util";
import { atCall, atCallOnReject } from "../errors/error-view";
import { checkSize, misuse } from "../errors/misuse";
import { formatAddress } from "../errors/socket-error";
import { isRecording, recordEvent, type Side, type TraceKind } from "../trace/recording";
import { type Address, type AddressInput, anyHost, parseAddress } from "./address";
import { asBytes, preview } from "./bytes";
import { SHUT_RD, SHUT_RDWR, SHUT_WR, type ShutdownHow, SOCK_STREAM } from "./constants";
import { Connection, connectTo } from "./internal/connection";
import { ConnectedEndpoint } from "./internal/endpoint";
import { type PairPromise, pairPromise, whenUnawaited } from "./internal/forgot-await";
import {
  type Arrival,
  destroyAndWait,
  type Listener,
  listenOn,
  SYSTEM_BACKLOG,
} from "./internal/listener";
import {
  checkBind,
  checkConnect,
  checkConnected,
  checkListen,
  checkListening,
  checkOpen,
} from "./internal/stream-checks";
import { StreamLife } from "./internal/stream-life";
import { kHeldPort, kRelease, kUnrecv } from "./internal/symbols";
import { type TrackedSocket, track, untrack } from "./internal/tracker";
import { type TimeoutOption, validateTimeout } from "./internal/wait";
import type { StreamState } from "./stream-state";

export type { StreamState } from "./stream-state";

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
export class StreamSocket extends ConnectedEndpoint implements TrackedSocket {
  /** The socket's type, as Python's `sock.type`. @example sock.type; // "SOCK_STREAM" */
  readonly type = SOCK_STREAM;
  /** Bytes handed to the system by send. @example client.bytesSent; // 5 after send(encode("hello")) */
  bytesSent = 0;
  /** Bytes returned by recv. @example connection.bytesReceived; */
  bytesReceived = 0;
  private readonly life = new StreamLife();
  private side: Side = "client";
  private bound: Address | undefined;
  private listener: Listener | undefined;
  private conn: Connection | undefined;
  private accepted = new Set<StreamSocket>();
  private parent: StreamSocket | undefined;
  private closing: Promise<void> | undefined;
  private _backlog: number | undefined;

  /** Where the socket is in its life (see {@link StreamState}). @example server.state; // "listening" */
  get state(): StreamState {
    return this.life.state;
  }

  /**
   * The length of the queue of not-yet-accepted connections that listen() asked the operating
   * system for, undefined before listen: at least 511 (see listen(), which explains the floor).
   *
   * @example
   * await server.listen(1);
   * server.backlog; // 511
   */
  get backlog(): number | undefined {
    return this._backlog;
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
    checkBind(this.life.state, this.bound, this.local);
    this.bound = parseAddress(address, this.family, "bind");
    this.local = [this.bound[0] === "" ? anyHost(this.family) : this.bound[0], this.bound[1]];
    this.life.state = "bound";
  }

  /**
   * Starts accepting connections on the bound address (here Node really binds, then listens).
   * If this Jupyter kernel's helper already listens on that host and port (a cell run twice), the old
   * listener and its connections are closed first.
   *
   * About `backlog`: in Python (and C) it is passed to the system's listen(2): how many connections
   * that finished the handshake the operating system queues until accept (Linux caps it at
   * net.core.somaxconn, 4096 by default since Linux 5.4). Node instead takes each connection from
   * the system as soon as it arrives, and it waits here, unread, until accept(): this queue has no
   * limit, so `backlog` changes nothing a lesson can see, and socketTable() shows 0 waiting on this
   * socket. The helper asks the system for at least Node's default of 511 (listen(1) asks for 511,
   * listen(1000) for 1000; `backlog` says what was asked), because a burst of clients beyond the
   * system's queue can be lost on some systems (clients connected, never accepted).
   *
   * @example
   * await server.bind(["127.0.0.1", 0]);
   * await server.listen(1);
   * server.localPort; // the port the system chose
   */
  async listen(backlog = SYSTEM_BACKLOG): Promise<void> {
    if (this.life.state === "listening") return;
    checkListen(this.life.state, this.bound, backlog);
    const bound = this.bound;
    const asked = (systemBacklog: number) => {
      checkOpen(this.life.state, "listen");
      this._backlog = systemBacklog;
    };
    await this.life.open(
      this,
      "listen",
      () => listenOn(bound, this.family, backlog, asked, this.life.closed.signal),
      (listener) => listener.close(),
      (listener) => {
        this.listener = listener;
        this.local = listener.address;
        this.life.state = "listening";
        this.side = "server";
        this.trace("listen");
      },
    );
  }

  /**
   * Waits for a client and resolves with `[connection, clientAddress]`, like Python's
   * `connection, client_address = sock.accept()`. The connection is a new StreamSocket for
   * talking to that one client; this socket keeps listening.
   *
   * @example
   * const [connection, clientAddress] = await server.accept({ timeout: 5000 });
   */
  accept(
    options: TimeoutOption = {},
  ): PairPromise<[connection: StreamSocket, address: Address], "accept"> {
    const call = { slipped: false };
    return pairPromise(
      this.life.pending.run((done) => this.acceptNow(options, done, call)),
      "accept",
      "const [connection, clientAddress] = await server.accept()",
      () => {
        call.slipped = true;
      },
    );
  }

  private async acceptNow(
    options: TimeoutOption,
    done: () => void,
    call: { slipped: boolean },
  ): Promise<[connection: StreamSocket, address: Address]> {
    try {
      checkOpen(this.life.state, "accept");
      const timeout = validateTimeout(options.timeout, "accept");
      checkListening(this.life.state, this.listener);
      let arrival: Arrival;
      try {
        arrival = await this.listener.next(timeout, this.life.closed.signal);
      } catch (err) {
        throw atCall(err);
      }
      if (call.slipped) {
        // Unpacked without await: the next accept() gets this connection.
        this.listener.requeue(arrival);
        throw misuse.forgotAwait(
          "accept",
          "const [connection, clientAddress] = await server.accept()",
        );
      }
      const connection = new StreamSocket(this.family);
      connection.side = "server";
      connection.parent = this;
      connection.adopt(new Connection(arrival));
      this.accepted.add(connection);
      connection.trace("accept");
      return [connection, connection.getpeername()];
    } finally {
      done();
    }
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
    checkConnect(this.life.state, this.remote);
    const [host, port] = parseAddress(address, this.family, "connect", true);
    const timeout = validateTimeout(options.timeout, "connect");
    const target = { host, port, family: this.family, local: this.bound ?? ["", 0] };
    await this.life.open(
      this,
      "connect",
      () => connectTo(target, timeout, this.life.closed.signal),
      (arrival) => destroyAndWait(arrival.raw),
      (arrival) => {
        this.adopt(new Connection(arrival));
        this.trace("connect");
      },
    );
  }

  private adopt(conn: Connection): void {
    this.conn = conn;
    this.local = conn.local;
    this.remote = conn.remote;
    this.life.state = "connected";
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
    conn.checkSend();
    if (bytes.length === 0) return 0;
    try {
      await conn.write(bytes, () =>
        this.state === "closed" ? misuse.closedBeforeSent() : undefined,
      );
    } catch (err) {
      throw atCall(err);
    }
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
  recv(max: number, options: TimeoutOption = {}): Promise<Buffer> {
    return whenUnawaited(
      this.life.pending.run((done) => this.recvNow(max, options, done)),
      (data) => {
        // decode(sock.recv(1024)) without await: the next recv gets these bytes.
        if (data.length > 0 && this.conn && this.state !== "closed") this[kUnrecv](data);
      },
    );
  }

  private async recvNow(max: number, options: TimeoutOption, done: () => void): Promise<Buffer> {
    try {
      checkSize(max, "recv");
      const timeout = validateTimeout(options.timeout, "recv");
      const conn = this.connection("recv");
      let data: Buffer;
      try {
        data = conn.readShut ? Buffer.alloc(0) : await conn.read(max, timeout);
      } catch (err) {
        throw atCall(err);
      }
      this.bytesReceived += data.length;
      this.trace("recv", data);
      return data;
    } finally {
      done();
    }
  }

  /**
   * For framing (recvLine, recvExactly): puts bytes back at the head of the receive queue, so
   * that the next recv returns them first. Only bytes this socket's recv returned and nobody has
   * used, the last ones read put back first.
   */
  [kUnrecv](data: Uint8Array): void {
    const bytes = asBytes(data, "unrecv");
    const conn = this.connection("unrecv");
    this.bytesReceived -= Math.min(bytes.length, this.bytesReceived);
    conn.queue.unshift(Buffer.from(bytes));
    this.trace("unrecv", bytes);
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
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) throw misuse.badShutdown(how);
    const conn = this.connection("shutdown");
    const fin = conn.shutdown(how);
    if (fin) await atCallOnReject(fin);
    this.trace("shutdown");
  }

  /**
   * Closes the socket and resolves once the system has released it. A listening socket stops
   * accepting (connections it already accepted stay open; ones not yet accepted are closed). A
   * connection ends one of two ways, as Linux's close() does for Python and C:
   * - every byte the peer sent was read (recv returned it): what send handed to the system goes
   *   out, then FIN, a clean end: the peer's recv returns the data, then an empty Buffer;
   * - bytes the peer sent are still unread (in this socket's receive queue, or still in the
   *   operating system's buffer): the connection is reset (RST), those bytes are thrown away and
   *   the peer's next recv or send fails with ECONNRESET. Read until recv returns empty (or as
   *   much as the protocol says) before close to end cleanly.
   * Waiting calls (accept, recv, a connect in progress) reject with ERR_SOCKET_CLOSED. Closing
   * twice is harmless.
   *
   * @example
   * await connection.close();
   */
  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async closeNow(): Promise<void> {
    const was = this.life.end();
    await this.listener?.close();
    await this.conn?.close(misuse.closedWhileWaiting("recv"));
    this.parent?.accepted.delete(this);
    untrack(this);
    if (was !== "fresh" && was !== "bound") this.trace("close");
  }

  /** For the tracker: closes this socket, and for a listener every connection it accepted. */
  async [kRelease](): Promise<void> {
    await Promise.all([...this.accepted].map((c) => c.close()));
    await this.close();
  }

  /** For the tracker: the port a listening socket holds. */
  [kHeldPort](): { protocol: "tcp"; host: string; port: number } | undefined {
    return this.life.state === "listening"
      ? { protocol: "tcp", host: this.local[0], port: this.local[1] }
      : undefined;
  }

  /** How a notebook shows the socket: id, state and addresses instead of Node's internals. */
  [inspect.custom](): string {
    const peer = this.remote ? ` -> ${formatAddress(...this.remote)}` : "";
    return `StreamSocket #${this.id} ${this.life.state} ${formatAddress(...this.local)}${peer}`;
  }

  private connection(operation: string): Connection {
    checkConnected(this.life.state, this.conn, operation);
    return this.conn;
  }

  private trace(kind: TraceKind, data?: Buffer): void {
    if (!isRecording()) return;
    const amount = data ? { bytes: data.length, preview: preview(data) } : {};
    recordEvent({ side: this.side, kind, socketId: this.id, ...amount, fourTuple: this.fourTuple });
  }
}
