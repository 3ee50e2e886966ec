/**
 * node:dgram's callbacks and events as the awaited calls a DatagramSocket makes: bind (real at
 * once, unlike TCP's; by bind() or, on a socket that has none yet, by its first sendto or
 * connect), connect, send, and close (resolved once the system released the port, so that the next cell
 * can bind it again); and a bound socket's events, datagrams and errors, handed to its queue and peer.
 */
import { createSocket, type Socket as DgramSocket } from "node:dgram";
import { isIPv4 } from "node:net";
import { toSocketError } from "../../errors/socket-error";
import { type Address, anyHost, defaultHost } from "../address";
import { type AddressFamily, AF_INET6 } from "../constants";
import type { DatagramPeer } from "./datagram-peer";
import type { DatagramQueue } from "./datagram-queue";
import { handlesClosed, waitFor } from "./wait";

/**
 * Internal: a node:dgram socket bound to host:port, once the system bound it; rejects with a
 * SocketError (EADDRINUSE, ...) and leaves nothing open behind.
 *
 * @example
 * const sock = await bindDatagram(AF_INET, "127.0.0.1", 0);
 */
export async function bindDatagram(
  family: AddressFamily,
  host: string,
  port: number,
): Promise<DgramSocket> {
  const sock = createSocket({ type: family === AF_INET6 ? "udp6" : "udp4" });
  try {
    const ready = waitFor(sock, ["listening"], ["error"], (e) =>
      toSocketError(e, "bind", host, port),
    );
    sock.bind({ address: host, port });
    await ready;
  } catch (err) {
    await closeDatagram(sock);
    throw err;
  }
  return sock;
}

/**
 * Internal: where a socket that sends or connects before any bind is bound: on loopback when
 * `host`, where it sends, is loopback (a notebook's socket stays off the network), else on all
 * interfaces. The port is the system's choice.
 *
 * @example
 * implicitBindHost("localhost", AF_INET); // "127.0.0.1"
 */
export function implicitBindHost(host: string, family: AddressFamily): string {
  const loopback =
    host === "localhost" || host === "::1" || (isIPv4(host) && host.startsWith("127."));
  return loopback ? defaultHost(family) : anyHost(family);
}

/**
 * Internal: ties `sock` to `target`:`port` (`host` as the caller wrote it, for messages) and
 * resolves with the peer's address once the system recorded it; no packet is sent.
 *
 * @example
 * const peer = await connectDatagram(sock, "localhost", "127.0.0.1", 9999);
 */
export async function connectDatagram(
  sock: DgramSocket,
  host: string,
  target: string,
  port: number,
): Promise<Address> {
  const connected = waitFor(sock, ["connect"], ["error"], (e) =>
    toSocketError(e, "connect", host, port),
  );
  sock.connect(port, target);
  await connected;
  const remote = sock.remoteAddress();
  return [remote.address, remote.port];
}

/**
 * Internal: sends one datagram and resolves with its size once the system has taken it: to
 * `target`:`port` (`host` as the caller wrote it, for messages), or without a target to the peer
 * the socket is connected to (`host` and `port` then name it).
 *
 * @example
 * const sent = await sendDatagram(sock, bytes, "sendto", "localhost", 9999, "127.0.0.1");
 */
export function sendDatagram(
  sock: DgramSocket,
  bytes: Buffer,
  op: "send" | "sendto",
  host: string,
  port: number,
  target?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = (err: Error | null, n: number) =>
      err ? reject(toSocketError(err, op, host, port)) : resolve(n);
    if (target === undefined) sock.send(bytes, sent);
    else sock.send(bytes, port, target, sent);
  });
}

/**
 * Internal: closes a dgram socket and resolves once its port is released and its handle gone.
 *
 * @example
 * await closeDatagram(sock);
 */
export async function closeDatagram(sock: DgramSocket): Promise<void> {
  await new Promise<void>((resolve) => {
    try {
      sock.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
  await handlesClosed();
}

/**
 * Internal: hands the datagrams `sock` receives to `queue`, and its errors to the call that
 * reports them: none for connect's (connect() reports it), `peer` for the ICMP "port unreachable"
 * of a connected socket, `fail` for the rest.
 *
 * @example
 * receiveDatagrams(sock, queue, peer, (err) => queue.rejectAll(err));
 */
export function receiveDatagrams(
  sock: DgramSocket,
  queue: DatagramQueue,
  peer: DatagramPeer,
  fail: (err: Error) => void,
): void {
  sock.on("message", (data: Buffer, info) =>
    queue.arrived({ data, from: [info.address, info.port] }),
  );
  sock.on("error", (err: Error & { code?: string; syscall?: string }) => {
    if (err.syscall === "connect") return; // connect() reports it
    // Like the system's pending socket error: one waiting or next call reports it, once.
    if (err.code === "ECONNREFUSED" && peer.refusedBy(err, queue)) return;
    fail(err);
  });
}
