/** The sockets-course helper library: the lecture's socket steps as promises. */
export const VERSION = "0.1.0";

export type { Address, AddressInput } from "./address";
export {
  type AddressFamily,
  AF_INET,
  AF_INET6,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  type ShutdownHow,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SocketType,
} from "./constants";
export {
  type DatagramQueueOptions,
  DatagramSocket,
  type DatagramState,
} from "./datagram-socket";
export { SocketError, SocketUsageError, systemError, type UsageErrorCode } from "./errors";
export { socket } from "./socket";
export { StreamSocket, type StreamState } from "./stream-socket";
export { closeAll, openSockets } from "./tracker";
export type { TimeoutOption } from "./wait";
