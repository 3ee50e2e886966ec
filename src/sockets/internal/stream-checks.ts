/**
 * Which call a StreamSocket takes in which state. Each check throws the misuse error that says
 * what to do first (bind before listen, await the connect, ...), as Node's internal validators
 * do for its own sockets; the socket keeps only the steps.
 */
import { misuse } from "../../errors/misuse";
import { formatAddress } from "../../errors/socket-error";
import type { Address } from "../address";
import { SOCK_STREAM } from "../constants";
import type { StreamState } from "../stream-state";
import type { Connection } from "./connection";
import type { Listener } from "./listener";

/**
 * Internal: throws ERR_SOCKET_CLOSED for `operation` on a closed socket.
 *
 * @example
 * checkOpen(this.state, "send");
 */
export function checkOpen(state: StreamState, operation: string): void {
  if (state === "closed") throw misuse.closed(operation, SOCK_STREAM);
}

/**
 * Internal: bind() takes a fresh socket only; `local` names the address it is bound to.
 *
 * @example
 * checkBind(this.state, this.bound, this.local);
 */
export function checkBind(state: StreamState, bound: Address | undefined, local: Address): void {
  checkOpen(state, "bind");
  if (bound || state === "listening") throw misuse.alreadyBound(formatAddress(...local));
  if (state !== "fresh") throw misuse.bindAfterConnect();
}

/**
 * Internal: listen() takes a bound socket, neither connected nor listening yet (a listening one
 * returns before this check), and a backlog that is a whole number.
 *
 * @example
 * checkListen(this.state, this.bound, backlog);
 */
export function checkListen(
  state: StreamState,
  bound: Address | undefined,
  backlog: number,
): asserts bound is Address {
  checkOpen(state, "listen");
  if (state === "listen-pending") throw misuse.notFinished("listen", "listen");
  if (state === "connecting" || state === "connected") throw misuse.listenWhenConnected();
  if (!bound) throw misuse.listenUnbound();
  if (!Number.isInteger(backlog) || backlog < 0) throw misuse.badBacklog(backlog);
}

/**
 * Internal: accept() takes a socket whose listen() finished.
 *
 * @example
 * checkListening(this.state, this.listener);
 */
export function checkListening(
  state: StreamState,
  listener: Listener | undefined,
): asserts listener is Listener {
  if (state === "listen-pending") throw misuse.notFinished("accept", "listen");
  if (state !== "listening" || !listener)
    throw misuse.notListening(state === "connected" || state === "connecting");
}

/**
 * Internal: connect() takes a socket that is neither listening nor connected (or connecting);
 * `remote` names the peer it is connected to.
 *
 * @example
 * checkConnect(this.state, this.remote);
 */
export function checkConnect(state: StreamState, remote: Address | undefined): void {
  checkOpen(state, "connect");
  if (state === "listening" || state === "listen-pending") throw misuse.connectWhenListening();
  if (state === "connecting") throw misuse.notFinished("connect", "connect");
  if (state === "connected") {
    const to = remote ? ` to ${formatAddress(...remote)}` : "";
    throw misuse.alreadyConnected(to);
  }
}

/**
 * Internal: send, recv, shutdown and unrecv take a socket whose connect() (or accept) finished.
 *
 * @example
 * checkConnected(this.state, this.conn, "recv");
 */
export function checkConnected(
  state: StreamState,
  conn: Connection | undefined,
  operation: string,
): asserts conn is Connection {
  checkOpen(state, operation);
  if (state === "connecting") throw misuse.notFinished(operation, "connect");
  if (state !== "connected" || !conn)
    throw misuse.notConnected(operation, state === "listening" || state === "listen-pending");
}
