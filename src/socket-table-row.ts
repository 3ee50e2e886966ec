/**
 * One line of the operating system's socket table, as {@link socketTable} returns it: the shape
 * both the Linux and the macOS readers produce.
 */
import type { AddressFamily } from "./constants";

/**
 * A socket's state as the operating system reports it. TCP: the states of RFC 793, with Linux's
 * names (`ss` writes them with dashes: FIN-WAIT-2). CLOSE is a TCP socket that is neither
 * listening nor connected (`ss`: UNCONN). UDP has no connection states: UNCONN is a socket that
 * receives from anyone, ESTABLISHED one that connect() tied to one peer (`ss` writes ESTAB).
 *
 * @example
 * socketTable().rows.filter((row) => row.state === "TIME_WAIT");
 */
export type SocketTableState =
  | "LISTEN"
  | "SYN_SENT"
  | "SYN_RECV"
  | "ESTABLISHED"
  | "FIN_WAIT1"
  | "FIN_WAIT2"
  | "CLOSE_WAIT"
  | "CLOSING"
  | "LAST_ACK"
  | "TIME_WAIT"
  | "CLOSE"
  | "UNCONN";

/**
 * Who holds a socket: this process (this notebook's Jupyter kernel, or this script), another
 * process, or none: a connection the program has closed and the operating system still finishes
 * (TIME_WAIT, FIN_WAIT2, LAST_ACK after close). On macOS, where the table does not say, "this
 * process" means a socket on a port the helper used and "other" everything else.
 *
 * @example
 * socketTable({ port }).rows.filter((row) => row.owner === "none");
 */
export type SocketOwner = "this process" | "other" | "none";

/**
 * One socket, as a plain object.
 *
 * @example
 * const [row] = socketTable({ port: server.localPort }).rows;
 * row.state; // "LISTEN"
 */
export interface SocketTableRow {
  protocol: "tcp" | "udp";
  /** AF_INET or AF_INET6 (an IPv6 socket may carry IPv4-mapped addresses, "::ffff:127.0.0.1"). */
  family: AddressFamily;
  localAddress: string;
  localPort: number;
  /** "0.0.0.0" or "::" and port 0 when there is no peer (a listening or unconnected socket). */
  remoteAddress: string;
  remotePort: number;
  state: SocketTableState;
  /**
   * Bytes that arrived and the program has not read yet (`ss`: Recv-Q); on Linux a FIN that
   * arrived counts as one (CLOSE_WAIT shows 1). For a LISTEN socket: connections that completed
   * the handshake and wait for accept(). For UDP: the memory the queued datagrams take, more
   * than their bytes.
   */
  recvQueue: number;
  /**
   * Bytes sent and not yet acknowledged by the peer (`ss`: Send-Q). For a LISTEN socket: 0 on
   * Linux, where /proc/net/tcp does not give the backlog (`ss`, which asks the system another
   * way, shows there the most connections the queue may hold: listen's backlog, capped by
   * net.core.somaxconn).
   */
  sendQueue: number;
  /** Linux: the socket's inode number (0 when no process holds it any more); macOS: undefined. */
  inode: number | undefined;
  owner: SocketOwner;
}
