/**
 * The lecture's echo programs as functions: the server (`echo_server.py`) and one client
 * exchange (`echo_client.py`). The command-line programs (npm run echo-server / echo-client),
 * later lessons, tests and benchmarks all use these. Nothing here prints: callbacks tell the
 * caller what happened, and the caller decides what to show.
 */

import { SocketUsageError } from "../errors/socket-error";
import type { Address, AddressInput } from "../sockets/address";
import { socket } from "../sockets/socket";
import type { StreamSocket } from "../sockets/stream-socket";
import { decode, encode, Utf8StreamDecoder } from "../sockets/text";

/**
 * The lecture's port, used by `npm run echo-server` and `npm run echo-client` by default.
 *
 * @example
 * import { startEchoServer, ECHO_PORT } from "./src/index";
 * const server = await startEchoServer({ port: ECHO_PORT }); // the lecture's 12345
 */
export const ECHO_PORT = 12345;

/**
 * How the echo server treats each client:
 * - `"once"` (the lecture's): one `recv(1024)`, echo those bytes, close the connection. A client
 *   that sends more than 1024 bytes, or in several pieces, gets only the first part back (and
 *   its system may report ECONNRESET, because the server closed with data still unread).
 * - `"until-eof"`: echo every piece as it comes until the client closes (or half-closes) its
 *   side, then close. For long or many messages on one connection, e.g. a bulk benchmark.
 *
 * @example
 * const server = await startEchoServer({ mode: "until-eof" });
 */
export type EchoMode = "once" | "until-eof";

/**
 * What {@link EchoServerOptions.onMessage} is told about each message received.
 *
 * @example
 * const server = await startEchoServer({
 *   onMessage: ({ text, client }) => console.log(`received "${text}" from ${client[1]}`),
 * });
 */
export interface EchoMessage {
  /** The bytes as text (UTF-8; invalid bytes become "�"). In "until-eof" mode a character cut
   * between two pieces is held back and comes with the next piece. */
  text: string;
  /** The bytes exactly as received (and echoed). */
  bytes: Buffer;
  /** The client's [host, port]. */
  client: Address;
}

/**
 * Options of {@link startEchoServer}.
 *
 * @example
 * const server = await startEchoServer({ host: "127.0.0.1", port: 0, mode: "once" });
 */
export interface EchoServerOptions {
  /**
   * Where to listen. Default "127.0.0.1": this machine only. The lecture's `''` (all network
   * interfaces, reachable from other machines) must be asked for explicitly: `host: ""`.
   */
  host?: string;
  /**
   * The port. Default 0: the system picks a free one, read it back as `server.port`. A lesson or
   * test that runs beside others then never collides with them; pass {@link ECHO_PORT} (12345)
   * to be the lecture's server, e.g. for `npm run echo-client` in a terminal.
   */
  port?: number;
  /** Connections the system queues while the server is busy with one. Default 1, as the lecture. */
  backlog?: number;
  /** Default "once", the lecture's behaviour; see {@link EchoMode}. */
  mode?: EchoMode;
  /**
   * Serve every client at once instead of one after another. Default false: the lecture's server
   * serves one client at a time, so a client that connects and says nothing (a netcat left
   * open) holds up everyone behind it. With `concurrent: true` each connection is served on its
   * own, as soon as it is accepted, and a silent or broken client delays nobody else.
   */
  concurrent?: boolean;
  /** Largest recv: default 1024 (the lecture's `recv(1024)`) in "once" mode, 65,536 otherwise. */
  recvSize?: number;
  /** Called when a client is accepted, with its address and the connection socket. */
  onConnection?: (client: Address, connection: StreamSocket) => void | Promise<void>;
  /** Called with each message received, before it is echoed. */
  onMessage?: (message: EchoMessage) => void | Promise<void>;
  /** Called once a client's connection is closed, whether the exchange went well or not. */
  onDisconnect?: (client: Address) => void | Promise<void>;
  /**
   * Called with what went wrong with one client (it reset the connection, a callback threw).
   * The server carries on with the next client. Also kept in `server.errors`.
   */
  onError?: (error: Error, client: Address | undefined) => void;
}

/**
 * A running echo server, from {@link startEchoServer}.
 *
 * @example
 * const server = await startEchoServer();
 * server.port;          // e.g. 50123
 * await server.close();
 */
export interface EchoServer {
  /** Where it listens, as the system reports it: ["127.0.0.1", 50123]. */
  readonly address: Address;
  /** The host part of `address`. */
  readonly host: string;
  /** The port it listens on (the system's pick when asked for 0). */
  readonly port: number;
  /** How many clients have been served (their connections closed) so far. */
  readonly served: number;
  /** The last problems met with clients, oldest first (at most 100). */
  readonly errors: readonly Error[];
  /** Resolves once the server has stopped: after close(), or when closeAll() closed its socket. */
  readonly closed: Promise<void>;
  /** Stops accepting, closes the connections in progress, if any, and resolves once all is closed. */
  close(): Promise<void>;
}

const MAX_ERRORS = 100;

/**
 * Starts the lecture's echo server: listens, then serves clients one after another without
 * restarting: accept a client, receive its message, send the same bytes back, close that
 * connection, accept the next. Resolves once it listens; the serving goes on in the background
 * until `close()`.
 *
 * Like the lecture's server it serves one client at a time: a second client waits in the
 * system's queue (the backlog) until the first is done. `concurrent: true` serves every client
 * at once instead.
 *
 * @example
 * import { startEchoServer, echoOnce } from "./src/index";
 * const server = await startEchoServer({
 *   onMessage: ({ text }) => console.log(`received "${text}"`),
 * });
 * await echoOnce(["127.0.0.1", server.port], "hello"); // prints received "hello"; returns "hello"
 * await server.close();
 */
export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const mode = options.mode ?? "once";
  if (mode !== "once" && mode !== "until-eof") {
    throw new SocketUsageError(
      "ERR_INVALID_ARGUMENT",
      `startEchoServer: mode is "once" or "until-eof", got ${String(mode)}`,
    );
  }
  const recvSize = options.recvSize ?? (mode === "once" ? 1024 : 64 * 1024);
  // Checked now: a bad size would otherwise fail every client's recv, one after another.
  if (!Number.isInteger(recvSize) || recvSize < 1) {
    throw new SocketUsageError(
      "ERR_INVALID_ARGUMENT",
      `startEchoServer: recvSize is the largest number of bytes one recv takes, a whole number like 1024; got ${String(recvSize)}`,
    );
  }
  const listener = socket();
  try {
    await listener.bind([options.host ?? "127.0.0.1", options.port ?? 0]);
    await listener.listen(options.backlog ?? 1);
  } catch (err) {
    await listener.close();
    throw err;
  }

  const address = listener.getsockname();
  const errors: Error[] = [];
  let served = 0;
  let closing = false;
  // The connections being served: at most one, unless `concurrent`.
  const current = new Set<StreamSocket>();

  const report = (err: unknown, client: Address | undefined) => {
    const error = err instanceof Error ? err : new Error(String(err));
    errors.push(error);
    if (errors.length > MAX_ERRORS) errors.shift();
    try {
      options.onError?.(error, client);
    } catch {
      // A failing error handler must not stop the server; the error is in `errors` anyway.
    }
  };

  const serveOne = async (connection: StreamSocket, client: Address) => {
    await options.onConnection?.(client, connection);
    if (mode === "once") {
      // The lecture's three lines: data = connection.recv(1024); print(...); connection.send(data)
      const data = await connection.recv(recvSize);
      await options.onMessage?.({ text: decode(data), bytes: data, client });
      await connection.send(data);
      return;
    }
    const decoder = new Utf8StreamDecoder();
    for (;;) {
      const data = await connection.recv(recvSize);
      if (data.length === 0) break;
      // Awaited only when there is a callback: an await costs every message a turn.
      if (options.onMessage) {
        await options.onMessage({ text: decoder.write(data), bytes: data, client });
      }
      await connection.send(data);
    }
  };

  // Serves one client to the end; never rejects (what goes wrong is reported).
  const serve = async (connection: StreamSocket, client: Address) => {
    current.add(connection);
    try {
      await serveOne(connection, client);
    } catch (err) {
      if (!closing) report(err, client);
    } finally {
      await connection.close();
      current.delete(connection);
      served += 1;
      try {
        await options.onDisconnect?.(client);
      } catch (err) {
        report(err, client);
      }
    }
  };

  const loop = async () => {
    const serving = new Set<Promise<void>>();
    while (!closing) {
      let connection: StreamSocket;
      let client: Address;
      try {
        [connection, client] = await listener.accept();
      } catch (err) {
        // Closed by close() or closeAll(): the normal end. Anything else cannot be retried.
        if (!closing && (err as { code?: string }).code !== "ERR_SOCKET_CLOSED") {
          report(err, undefined);
        }
        break;
      }
      const done = serve(connection, client);
      if (!options.concurrent) {
        await done;
        continue;
      }
      serving.add(done);
      void done.then(() => serving.delete(done));
    }
    closing = true;
    await listener.close();
    await Promise.all([...current].map((c) => c.close()));
    await Promise.all(serving);
  };
  const closed = loop();

  let closeCalled: Promise<void> | undefined;
  return {
    address,
    host: address[0],
    port: address[1],
    get served() {
      return served;
    },
    errors,
    closed,
    close() {
      closeCalled ??= (async () => {
        closing = true;
        await listener.close();
        await Promise.all([...current].map((c) => c.close()));
        await closed;
      })();
      return closeCalled;
    },
  };
}

/**
 * Options of {@link echoOnce}.
 *
 * @example
 * await echoOnce(["127.0.0.1", 12345], "hello", { timeout: 2000 });
 */
export interface EchoOnceOptions {
  /** Milliseconds to wait for the connection and for each reply piece (ERR_TIMEOUT). Default: no limit. */
  timeout?: number;
}

/**
 * One run of the lecture's echo client: connect to the server, send the message, receive the
 * reply, close; resolves with the reply. Text in, text out (UTF-8); bytes in, bytes out.
 *
 * The lecture's client does a single `recv(1024)`. TCP may deliver a reply in several pieces,
 * so this one keeps receiving (up to 64 KiB at a time) until the reply is at least as long as
 * the message (an echo is complete) or the server closes the connection, whichever comes first.
 * A server that neither echoes in full nor closes makes it wait: pass a `timeout`.
 * Connection errors keep their codes: ECONNREFUSED when no server listens there.
 *
 * @example
 * import { echoOnce } from "./src/index";
 * const reply = await echoOnce(["127.0.0.1", 12345], "hello", { timeout: 5000 });
 * console.log(`received "${reply}"`);
 */
export function echoOnce(
  address: AddressInput,
  message: string,
  options?: EchoOnceOptions,
): Promise<string>;
export function echoOnce(
  address: AddressInput,
  message: Uint8Array,
  options?: EchoOnceOptions,
): Promise<Buffer>;
export async function echoOnce(
  address: AddressInput,
  message: string | Uint8Array,
  options: EchoOnceOptions = {},
): Promise<string | Buffer> {
  const asText = typeof message === "string";
  const bytes = asText ? encode(message) : message;
  const sock = socket();
  try {
    await sock.connect(address, { timeout: options.timeout });
    // Receive while sending: a large message is echoed while it is still going out, and a
    // client that only read afterwards could stall both sides with full buffers.
    const receiving = receiveReply(sock, bytes.length, options.timeout);
    receiving.catch(() => {}); // reported below, by the await, if sending succeeded
    await sock.send(bytes);
    const reply = await receiving;
    return asText ? decode(reply) : reply;
  } finally {
    await sock.close();
  }
}

/** Receives until at least `expected` bytes came or the peer closed. */
async function receiveReply(
  sock: StreamSocket,
  expected: number,
  timeout?: number,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  while (have < expected) {
    const data = await sock.recv(64 * 1024, { timeout });
    if (data.length === 0) break;
    parts.push(data);
    have += data.length;
  }
  return Buffer.concat(parts, have);
}
