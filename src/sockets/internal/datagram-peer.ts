/**
 * The connected part of a DatagramSocket: the one peer connect() tied it to, and the ICMP "port
 * unreachable" the system reports for that peer, which, like Linux's pending socket error, one
 * waiting or next call reports once (an unconnected socket never hears of it).
 */
import type { Socket as DgramSocket } from "node:dgram";
import { misuse } from "../../errors/misuse";
import { formatAddress, systemError, toSocketError } from "../../errors/socket-error";
import type { Address } from "../address";
import type { DatagramQueue } from "./datagram-queue";

/**
 * Internal: a UDP socket's peer, when it has one.
 *
 * @example
 * const peer = new DatagramPeer();
 * peer.address = await connectDatagram(sock, "localhost", "127.0.0.1", 9999);
 * peer.destination(); // ["127.0.0.1", 9999]
 */
export class DatagramPeer {
  /** The peer, undefined when the socket is not connected. */
  address: Address | undefined;
  /** connect() calls in progress (to tell a forgotten `await` from a send with no peer). */
  connecting = 0;
  /** An ICMP "port unreachable" nobody waited for, reported once by the next send/recv. */
  private refused: Error | undefined;

  /** The peer as getpeername() returns it: ERR_NOT_CONNECTED when there is none. */
  name(): Address {
    const peer = this.address;
    if (!peer) throw misuse.noPeer();
    return [peer[0], peer[1]];
  }

  /** sendto() takes an unconnected socket: ERR_ALREADY_CONNECTED names the peer. */
  checkSendto(): void {
    const peer = this.address;
    if (peer) throw misuse.sendtoWhenConnected(formatAddress(...peer));
  }

  /** Unties `sock`: a pending "port unreachable" of the old peer is forgotten. */
  untie(sock: DgramSocket): void {
    sock.disconnect();
    this.address = undefined;
    this.refused = undefined;
  }

  /**
   * The system's ECONNREFUSED: for a connected socket, to the first waiting recv, else kept for
   * the next call. False when not connected: then it is no ICMP answer for a peer.
   */
  refusedBy(err: Error, queue: DatagramQueue): boolean {
    if (!this.address) return false;
    const refused = toSocketError(err, "recv", ...this.address);
    if (!queue.rejectFirst(refused)) this.refused = refused;
    return true;
  }

  /**
   * Where send() sends: the peer; EDESTADDRREQ on a socket that is not connected, as Python
   * says, or ERR_NOT_FINISHED while a connect() runs; a pending "port unreachable" first.
   */
  destination(): Address {
    const peer = this.address;
    if (!peer && this.connecting > 0) throw misuse.notFinished("send", "connect");
    if (!peer) throw systemError("EDESTADDRREQ", "send");
    this.throwRefused("send");
    return peer;
  }

  /** Reports a pending ICMP "port unreachable" once, named after the call that meets it. */
  throwRefused(op: string): void {
    const refused = this.refused;
    if (!refused) return;
    this.refused = undefined;
    throw toSocketError(refused, op);
  }
}
