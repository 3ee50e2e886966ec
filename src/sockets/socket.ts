/**
 * The lecture's first step, `socket.socket(socket.AF_INET, socket.SOCK_STREAM)`.
 */

import { SocketUsageError } from "../errors/socket-error";
import { type AddressFamily, AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM } from "./constants";
import { DatagramSocket } from "./datagram-socket";
import { StreamSocket } from "./stream-socket";

/**
 * Creates a socket: a StreamSocket (TCP) for SOCK_STREAM, the default, or a DatagramSocket (UDP)
 * for SOCK_DGRAM. The family is AF_INET (IPv4, the default) or AF_INET6. Like Python's, the new
 * socket holds nothing yet: bind/listen or connect (or a UDP bind/sendto) make it real.
 *
 * @example
 * const server = socket(AF_INET, SOCK_STREAM);
 * const udp = socket(AF_INET, SOCK_DGRAM);
 */
export function socket(family?: AddressFamily, type?: typeof SOCK_STREAM): StreamSocket;
export function socket(family: AddressFamily, type: typeof SOCK_DGRAM): DatagramSocket;
export function socket(
  family: AddressFamily = AF_INET,
  type: typeof SOCK_STREAM | typeof SOCK_DGRAM = SOCK_STREAM,
): StreamSocket | DatagramSocket {
  if (family !== AF_INET && family !== AF_INET6) {
    throw new SocketUsageError(
      "ERR_INVALID_ARGUMENT",
      `socket(family, type): the family is AF_INET (IPv4) or AF_INET6 (IPv6), got ${String(family)}`,
    );
  }
  if (type === SOCK_STREAM) return new StreamSocket(family);
  if (type === SOCK_DGRAM) return new DatagramSocket(family);
  throw new SocketUsageError(
    "ERR_INVALID_ARGUMENT",
    `socket(family, type): the type is SOCK_STREAM (TCP) or SOCK_DGRAM (UDP), got ${String(type)}`,
  );
}
