/**
 * The listening half of a StreamSocket: Node's net.Server and the connections that arrived and
 * wait for accept(). Node accepts every connection from the system as soon as it arrives; here it
 * waits, not read (`pauseOnConnect`), until accept() hands it out, like a connection in the
 * system's backlog.
 */
import { createServer, type Server, type Socket } from "node:net";
import { formatAddress, toSocketError } from "../../errors/socket-error";
import { type Address, anyHost, resolveHost } from "../address";
import type { AddressFamily } from "../constants";
import { releasePort } from "./tracker";
import { handlesClosed, startTimeout, timeoutError, waitFor } from "./wait";

/** The smallest queue of not-yet-accepted connections asked of the system (Node's default). */
export const SYSTEM_BACKLOG = 511;

/**
 * Internal: a new connection and its addresses, read when it arrived.
 *
 * @example
 * const { raw, local, remote } = await listener.next(undefined, signal);
 */
export interface Arrival {
  raw: Socket;
  local: Address;
  remote: Address;
}

/**
 * Internal: reads a connected Node socket's addresses now, while the system can still tell them.
 *
 * @example
 * const arrival = arrivalOf(raw);
 */
export function arrivalOf(raw: Socket): Arrival {
  return {
    raw,
    local: [raw.localAddress ?? "", raw.localPort ?? 0],
    remote: [raw.remoteAddress ?? "", raw.remotePort ?? 0],
  };
}

/**
 * Internal: a listening TCP socket and its queue of connections not yet accepted.
 *
 * @example
 * const listener = await Listener.open("127.0.0.1", 0, 1, signal);
 * const arrival = await listener.next(2000, signal);
 */
export class Listener {
  private pending: Arrival[] = [];
  private acceptors: Array<(a: Arrival) => void> = [];
  /** A later error of the listening socket (rare: out of file descriptors), for accept. */
  failure: Error | undefined;

  private constructor(private readonly server: Server) {
    server.on("connection", (raw: Socket) => {
      // Until accepted the connection is not read, so errors wait for recv; none may crash.
      raw.on("error", () => {});
      const arrival = arrivalOf(raw);
      const acceptor = this.acceptors.shift();
      if (acceptor) acceptor(arrival);
      else this.pending.push(arrival);
    });
    server.on("error", (err) => {
      this.failure = toSocketError(err, "accept", ...this.address);
    });
  }

  /** Binds and listens on ip:port; errors name `host` as the caller wrote it. */
  static async open(
    ip: string,
    port: number,
    backlog: number,
    host: string,
    signal: AbortSignal,
  ): Promise<Listener> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    try {
      const ready = waitFor(
        server,
        ["listening"],
        ["error"],
        (e) => toSocketError(e, "listen", host, port),
        { signal },
      );
      server.listen({ host: ip, port, backlog });
      await ready;
    } catch (err) {
      server.close();
      await handlesClosed();
      throw err;
    }
    return new Listener(server);
  }

  /** The address the system bound: the real port when port 0 was asked for. */
  get address(): Address {
    const where = this.server.address();
    return where && typeof where === "object" ? [where.address, where.port] : ["", 0];
  }

  /** The next connection, in arrival order; concurrent callers are served in call order. */
  next(timeout: number | undefined, signal: AbortSignal): Promise<Arrival> {
    const waiting = this.pending.shift();
    if (waiting) return Promise.resolve(waiting);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      let cancelTimeout: (() => void) | undefined;
      const done = (then: () => void) => {
        cancelTimeout?.();
        signal.removeEventListener("abort", onAbort);
        const i = this.acceptors.indexOf(take);
        if (i >= 0) this.acceptors.splice(i, 1);
        then();
      };
      const take = (a: Arrival) => done(() => resolve(a));
      const onAbort = () => done(() => reject(signal.reason));
      this.acceptors.push(take);
      signal.addEventListener("abort", onAbort);
      if (timeout !== undefined) {
        const where = `waiting for a connection on ${formatAddress(...this.address)}`;
        cancelTimeout = startTimeout(timeout, () =>
          done(() => reject(timeoutError("accept", where, timeout))),
        );
      }
    });
  }

  /** Gives back a connection an accept() took but nobody will see: first in line again. */
  requeue(arrival: Arrival): void {
    if (!this.server.listening) {
      arrival.raw.destroy(); // closed meanwhile: as close() does with connections not accepted
      return;
    }
    const acceptor = this.acceptors.shift();
    if (acceptor) acceptor(arrival);
    else this.pending.unshift(arrival);
  }

  /**
   * Stops listening and closes the connections not yet accepted. The port is free when this
   * resolves. Accepted connections are not touched: they live on, as in Python.
   */
  async close(): Promise<void> {
    this.server.removeAllListeners("connection");
    // Closing the listening handle frees the port at once. Node's 'close' event would also wait
    // for every accepted connection, so it is not awaited; a late error must not crash.
    this.server.on("error", () => {});
    this.server.close();
    await Promise.all(this.pending.splice(0).map((a) => destroyAndWait(a.raw)));
    await handlesClosed();
  }
}

/**
 * Internal: listen()'s steps once its checks passed: resolves the host bind() chose ("" for all
 * interfaces), frees the port if this Jupyter kernel's helper holds it (a cell run twice), then binds and
 * listens, asking the system for a queue of at least SYSTEM_BACKLOG (see StreamSocket.listen).
 * `beforeOpen` runs once the port is free, with that queue length; it throws to stop (the socket
 * was closed meanwhile).
 *
 * @example
 * const listener = await listenOn(["127.0.0.1", 0], AF_INET, 1, (n) => {}, signal);
 */
export async function listenOn(
  [host, port]: Address,
  family: AddressFamily,
  backlog: number,
  beforeOpen: (systemBacklog: number) => void,
  signal: AbortSignal,
): Promise<Listener> {
  const ip = await resolveHost(host === "" ? anyHost(family) : host, family, port, "listen");
  await releasePort("tcp", ip, port);
  const systemBacklog = Math.max(backlog, SYSTEM_BACKLOG);
  beforeOpen(systemBacklog);
  return Listener.open(ip, port, systemBacklog, host, signal);
}

/**
 * Internal: destroys a Node socket and resolves once it is closed (its port released).
 *
 * @example
 * await destroyAndWait(raw);
 */
export async function destroyAndWait(raw: Socket): Promise<void> {
  if (raw.closed) return;
  const gone = waitFor(raw, ["close"], [], (e) => e as Error);
  raw.on("error", () => {});
  raw.destroy();
  await gone;
}
