/**
 * The connected half of a StreamSocket: a Node net.Socket with its receive queue, and how a
 * client opens one. Node's sockets are event streams; here they become the lecture's calls.
 */
import { type Socket as NodeSocket, Socket } from "node:net";
import { formatAddress, systemError, toSocketError } from "../../errors/socket-error";
import { wasReset } from "../../system/socket-table-linux";
import { type Address, anyHost } from "../address";
import { type AddressFamily, AF_INET6, SHUT_RD, SHUT_WR, type ShutdownHow } from "../constants";
import { type Arrival, arrivalOf, destroyAndWait } from "./listener";
import { ReceiveQueue } from "./receive-queue";
import { timeoutError, waitFor } from "./wait";

/** An end of stream this soon after data may be a reset that arrived with it (milliseconds). */
const RESET_WINDOW_MS = 20;

/**
 * Internal: where connectTo connects to and from.
 *
 * @example
 * const target: ConnectTarget = { host: "localhost", port: 12345, family: AF_INET, local: ["", 0] };
 */
export interface ConnectTarget {
  /** The host as the caller wrote it ("" for this machine's any address, as Node takes it). */
  host: string;
  port: number;
  family: AddressFamily;
  /** This side's address from bind(), "" and 0 for the system's choice. */
  local: Address;
}

/**
 * Internal: opens a TCP connection; rejects with a SocketError (ECONNREFUSED, ...), ERR_TIMEOUT
 * after `timeout` ms, or the signal's reason. A failed attempt leaves nothing open behind.
 *
 * @example
 * const arrival = await connectTo({ host: "127.0.0.1", port, family: AF_INET, local: ["", 0] }, 2000, signal);
 */
export async function connectTo(
  target: ConnectTarget,
  timeout: number | undefined,
  signal: AbortSignal,
): Promise<Arrival> {
  const { host, port, local } = target;
  const ip = host === "" ? anyHost(target.family) : host;
  const family = target.family === AF_INET6 ? 6 : 4;
  const raw = new Socket({ allowHalfOpen: true });
  try {
    const connected = waitFor(
      raw,
      ["connect"],
      ["error"],
      (e) => toSocketError(e, "connect", host, port),
      {
        timeout,
        signal,
        onTimeout: () =>
          timeoutError(
            "connect",
            `waiting for ${formatAddress(host, port)} to answer`,
            timeout ?? 0,
          ),
      },
    );
    raw.connect({
      host: ip,
      port,
      family,
      ...(local[0] !== "" ? { localAddress: local[0] } : {}),
      ...(local[1] !== 0 ? { localPort: local[1] } : {}),
    });
    await connected;
  } catch (err) {
    await destroyAndWait(raw);
    throw err;
  }
  return arrivalOf(raw);
}

/**
 * Internal: a connected TCP socket as calls: write (resolves once the system took the bytes),
 * read (from the receive queue), endWrite (FIN), close.
 *
 * @example
 * const conn = new Connection(arrival);
 * await conn.write(Buffer.from("hi"));
 */
export class Connection {
  readonly raw: NodeSocket;
  readonly queue: ReceiveQueue;
  readonly local: Address;
  readonly remote: Address;
  /**
   * The connection's error (ECONNRESET, ...), named "recv" as the next recv reports it; send
   * reports it named "send" (see {@link Connection.sendError}).
   */
  failure: Error | undefined;
  /** Set by shutdown(SHUT_RD): recv resolves empty without reading. */
  readShut = false;
  /** Set by shutdown(SHUT_WR): send fails with EPIPE. */
  private writeShut = false;

  constructor(arrival: Arrival) {
    const raw = arrival.raw;
    this.raw = raw;
    this.local = arrival.local;
    this.remote = arrival.remote;
    const queue = new ReceiveQueue(raw);
    this.queue = queue;
    raw.removeAllListeners("error");
    let lastData = 0;
    raw.on("data", (chunk: Buffer) => {
      lastData = performance.now();
      queue.push(chunk);
    });
    raw.on("end", () => {
      // A reset that came with the last data reaches Node as an end of stream (see wasReset):
      // only then, while this side still sends, is it worth asking the system.
      if (performance.now() - lastData < RESET_WINDOW_MS && this.resetBySystem()) {
        this.failure ??= systemError("ECONNRESET", "recv", ...this.remote);
        queue.fail(this.failure);
        return;
      }
      queue.end();
    });
    raw.on("error", (err) => {
      this.failure ??= toSocketError(err, "recv", ...this.remote);
      queue.fail(this.failure);
    });
    raw.on("close", () => queue.end());
    if (raw.destroyed) queue.end();
    else raw.resume();
  }

  private resetBySystem(): boolean {
    if (process.platform !== "linux" || this.raw.writableEnded) return false;
    const fd = (this.raw as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== "number" || fd < 0) return false;
    return wasReset(fd, this.raw.remoteFamily === "IPv6" ? 6 : 4) === true;
  }

  /** Whether send can still work (not ended by shutdown or close, not failed). */
  get writable(): boolean {
    return !this.raw.destroyed && !this.raw.writableEnded;
  }

  /**
   * What send reports on a connection that can no longer send: the connection's error named
   * after send, or EPIPE when it just ended.
   */
  sendError(): Error {
    return this.failure
      ? toSocketError(this.failure, "send")
      : systemError("EPIPE", "send", ...this.remote);
  }

  /** What send() checks before writing: EPIPE after shutdown(SHUT_WR), or the connection's error. */
  checkSend(): void {
    if (this.writeShut) throw systemError("EPIPE", "send", ...this.remote);
    if (!this.writable) throw this.sendError();
  }

  /**
   * At most `max` bytes from the receive queue, as soon as any are there (empty once the peer
   * ended); ERR_TIMEOUT after `timeout` ms.
   */
  read(max: number, timeout: number | undefined): Promise<Buffer> {
    const where = `waiting for data from ${formatAddress(...this.remote)}`;
    const onTimeout =
      timeout === undefined ? undefined : () => timeoutError("recv", where, timeout);
    return this.queue.read(max, timeout, onTimeout);
  }

  /** Resolves once the system has taken all of `bytes`; `closedError` if close came first. */
  write(bytes: Buffer, closedError: () => Error | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.raw.write(bytes, (err) => {
        if (!err) {
          resolve();
          return;
        }
        const code = (err as { code?: string }).code;
        reject(
          closedError() ??
            (code === "ERR_STREAM_DESTROYED"
              ? this.sendError()
              : toSocketError(err, "send", ...this.remote)),
        );
      });
    });
  }

  /**
   * Closes one direction (see StreamSocket.shutdown). Returns the FIN being handed to the system
   * when this call sends one (the first SHUT_WR or SHUT_RDWR), else undefined: nothing to await.
   */
  shutdown(how: ShutdownHow): Promise<void> | undefined {
    if (how !== SHUT_WR) this.readShut = true;
    if (how === SHUT_RD || this.writeShut) return undefined;
    this.writeShut = true;
    return this.endWrite();
  }

  /** Sends FIN after everything written so far; resolves once it is handed to the system. */
  private async endWrite(): Promise<void> {
    if (!this.writable) return;
    const flushed = waitFor(this.raw, ["finish", "close"], ["error"], (e) =>
      toSocketError(e, "shutdown", ...this.remote),
    );
    this.raw.end();
    await flushed;
  }

  /**
   * Closes the connection; resolves once the system has released it. Waiting reads reject with
   * `readError`. Bytes the peer sent that nobody read make it a reset, as Linux's close() does
   * (see StreamSocket.close); otherwise the peer gets FIN.
   */
  async close(readError: Error): Promise<void> {
    // Bytes in the system's own buffer make the system reset by itself when the socket closes;
    // bytes already read into the helper's queue (or Node's) it no longer knows about.
    const unread = this.queue.queued > 0 || this.raw.readableLength > 0;
    this.queue.close(readError);
    if (unread && !this.raw.destroyed) {
      const gone = waitFor(this.raw, ["close"], [], (e) => e as Error);
      this.raw.on("error", () => {});
      this.raw.resetAndDestroy();
      await gone;
      return;
    }
    // Everything awaited by send has reached the system. Closing the descriptor lets the system
    // decide as it does for Python: FIN after what it still has to send, or RST when bytes it
    // received are unread (no FIN of ours first). Bytes of a send nobody awaited are dropped
    // rather than let close hang on a peer that does not read.
    await destroyAndWait(this.raw);
  }
}
