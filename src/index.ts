/** The sockets-course helper library: the lecture's socket steps as promises. */

/**
 * The helper library's version.
 *
 * @example
 * import { VERSION } from "./src/index";
 * VERSION; // "0.1.0"
 */
export const VERSION = "0.1.0";

export {
  ECHO_PORT,
  type EchoMessage,
  type EchoMode,
  type EchoOnceOptions,
  type EchoServer,
  type EchoServerOptions,
  echoOnce,
  startEchoServer,
} from "./course/echo";
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
} from "./course/exercise";
export {
  answerDatagrams,
  type ReadUntilClosedOptions,
  readUntilClosed,
} from "./course/exercise-peers";
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
} from "./course/framing";
export {
  type LossyServer,
  type LossyServerOptions,
  lossyFates,
  type PingFate,
  startLossyServer,
} from "./course/lossy-server";
export { seededRandom } from "./course/random";
export {
  SocketError,
  SocketUsageError,
  systemError,
  type UsageErrorCode,
} from "./errors/socket-error";
export type { Address, AddressInput } from "./sockets/address";
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
} from "./sockets/constants";
export {
  type DatagramQueueOptions,
  DatagramSocket,
  type DatagramState,
} from "./sockets/datagram-socket";
export type { ForgotAwait, PairPromise } from "./sockets/internal/forgot-await";
export type { TimeoutOption } from "./sockets/internal/wait";
export { closeAll, openSockets } from "./sockets/open-sockets";
export { socket } from "./sockets/socket";
export { StreamSocket, type StreamState } from "./sockets/stream-socket";
export { type DecodeOptions, decode, encode, Utf8StreamDecoder } from "./sockets/text";
export { type HostsEntry, hostsFilePath, parseHostsFile, readHostsFile } from "./system/hosts-file";
export { type IPv6LoopbackStatus, ipv6Loopback } from "./system/ipv6-loopback";
export {
  type SocketOwner,
  SocketTable,
  type SocketTableFilter,
  type SocketTableRow,
  type SocketTableState,
  socketTable,
} from "./system/socket-table";
export { type SequenceDiagramOptions, sequenceDiagram } from "./trace/diagram/sequence-diagram";
export {
  type FourTuple,
  type Recording,
  recordSession,
  type Side,
  startRecording,
  type TraceEvent,
  type TraceKind,
} from "./trace/recording";
