/**
 * What every socket of the helper has, TCP or UDP: an id, an address family, and a local address
 * that stays readable for the socket's whole life, after close too.
 */

import { misuse } from "../../errors/misuse";
import type { FourTuple } from "../../trace/recording";
import { type Address, anyHost } from "../address";
import { type AddressFamily, AF_INET, AF_INET6 } from "../constants";
import { nextSocketId } from "./tracker";

/**
 * The part StreamSocket and DatagramSocket share: `id`, `family`, `getsockname()`,
 * `localAddress`, `localPort`.
 *
 * @example
 * const sock: Endpoint = socket(AF_INET, SOCK_STREAM);
 * sock.getsockname(); // ["0.0.0.0", 0] until bound
 */
export abstract class Endpoint {
  /** This socket's id in this process (the trace's socketId). */
  readonly id = nextSocketId();
  /** The last known local address: the any address and port 0 until bound. */
  protected local: Address;

  /** @param family AF_INET (IPv4, the default) or AF_INET6. */
  constructor(readonly family: AddressFamily = AF_INET) {
    if (family !== AF_INET && family !== AF_INET6) throw misuse.badFamily(family);
    this.local = [anyHost(family), 0];
  }

  /**
   * This side's address `[host, port]`, like Python's `getsockname()`; before any bind it is
   * `["0.0.0.0", 0]` as in Python. Once the system has bound the socket, the port is the real
   * one (the system's pick for port 0). Still readable after close.
   *
   * @example
   * const [host, port] = server.getsockname();
   */
  getsockname(): Address {
    return [this.local[0], this.local[1]];
  }

  /**
   * This side's host.
   *
   * @example
   * server.localAddress; // "127.0.0.1"
   */
  get localAddress(): string {
    return this.local[0];
  }

  /**
   * This side's port: 0 until the system bound the socket, then the real one.
   *
   * @example
   * await client.connect(["127.0.0.1", server.localPort]);
   */
  get localPort(): number {
    return this.local[1];
  }
}

/**
 * An endpoint that can have a peer (a TCP socket): adds `getpeername()`, `remoteAddress`,
 * `remotePort` and `fourTuple`, readable at every step and kept after close.
 *
 * @example
 * const [connection] = await server.accept();
 * connection.fourTuple; // { localAddress, localPort, remoteAddress, remotePort }
 */
export abstract class ConnectedEndpoint extends Endpoint {
  /** The last known peer address; undefined until connected. */
  protected remote: Address | undefined;

  /**
   * The other side's address `[host, port]`, like Python's `getpeername()`; throws
   * ERR_NOT_CONNECTED on a socket that never had a peer. Still readable after close.
   *
   * @example
   * const [clientHost, clientPort] = connection.getpeername();
   */
  getpeername(): Address {
    if (!this.remote) throw misuse.noPeer();
    return [this.remote[0], this.remote[1]];
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
}
