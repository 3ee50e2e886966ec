/** The sockets-course helper library: the lecture's socket steps as promises. */

/**
 * The helper library's version.
 *
 * @example
 * import { VERSION } from "./src/index";
 * VERSION; // "0.1.0"
 */
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
export { type SequenceDiagramOptions, sequenceDiagram } from "./diagram";
export {
  ECHO_PORT,
  type EchoMessage,
  type EchoMode,
  type EchoOnceOptions,
  type EchoServer,
  type EchoServerOptions,
  echoOnce,
  startEchoServer,
} from "./echo";
export { SocketError, SocketUsageError, systemError, type UsageErrorCode } from "./errors";
export {
  type CheckOptions,
  type CheckResult,
  type CheckSummary,
  check,
  checkResults,
  formatResult,
  resetChecks,
  summary,
  TIME_SCALE_VARIABLE,
  timeLimit,
} from "./exercise";
export { answerDatagrams, type ReadUntilClosedOptions, readUntilClosed } from "./exercise-peers";
export type { ForgotAwait, PairPromise } from "./forgot-await";
export {
  FRAME_HEADER_BYTES,
  type FramedSocket,
  FramingError,
  type FramingErrorCode,
  MAX_FRAME_BYTES,
  type RecvFrameOptions,
  recvExactly,
  recvFramed,
  recvLine,
  sendFramed,
} from "./framing";
export { type HostsEntry, hostsFilePath, parseHostsFile, readHostsFile } from "./hosts-file";
export { type IPv6LoopbackStatus, ipv6Loopback } from "./ipv6-loopback";
export {
  type LossyServer,
  type LossyServerOptions,
  lossyFates,
  type PingFate,
  startLossyServer,
} from "./lossy-server";
export { seededRandom } from "./random";
export { socket } from "./socket";
export {
  type SocketOwner,
  SocketTable,
  type SocketTableFilter,
  type SocketTableRow,
  type SocketTableState,
  socketTable,
} from "./socket-table";
export { StreamSocket, type StreamState } from "./stream-socket";
export { type DecodeOptions, decode, encode, Utf8StreamDecoder } from "./text";
export {
  type FourTuple,
  type Recording,
  recordSession,
  type Side,
  startRecording,
  type TraceEvent,
  type TraceKind,
} from "./trace";
export { closeAll, openSockets } from "./tracker";
export type { TimeoutOption } from "./wait";
