/**
 * The lecture's socket constants. Python's are numbers (AF_INET is 2); here they are strings so
 * that printing one in a notebook shows its name, and so that the type checker can tell
 * `socket(AF_INET, SOCK_DGRAM)` from `socket(SOCK_DGRAM, AF_INET)`.
 */

/**
 * Address family IPv4: addresses like "127.0.0.1".
 *
 * @example
 * const sock = socket(AF_INET, SOCK_STREAM);
 */
export const AF_INET = "AF_INET";

/**
 * Address family IPv6: addresses like "::1".
 *
 * @example
 * const sock = socket(AF_INET6, SOCK_STREAM);
 * await sock.bind(["::1", 0]);
 */
export const AF_INET6 = "AF_INET6";

/**
 * Stream socket: a TCP connection, an ordered stream of bytes with no message boundaries.
 *
 * @example
 * const sock = socket(AF_INET, SOCK_STREAM);
 */
export const SOCK_STREAM = "SOCK_STREAM";

/**
 * Datagram socket: UDP, separate messages that keep their boundaries but may be lost.
 *
 * @example
 * const udp = socket(AF_INET, SOCK_DGRAM);
 */
export const SOCK_DGRAM = "SOCK_DGRAM";

/**
 * shutdown(SHUT_RD): this side will read no more; later recv calls resolve with an empty Buffer.
 *
 * @example
 * await sock.shutdown(SHUT_RD);
 */
export const SHUT_RD = "SHUT_RD";

/**
 * shutdown(SHUT_WR): this side will send no more (a half-close); the peer's recv then resolves
 * with an empty Buffer, while this side can still recv the peer's reply.
 *
 * @example
 * await client.send(encode("last words"));
 * await client.shutdown(SHUT_WR);
 * const reply = await client.recv(1024);
 */
export const SHUT_WR = "SHUT_WR";

/**
 * shutdown(SHUT_RDWR): both SHUT_RD and SHUT_WR.
 *
 * @example
 * await sock.shutdown(SHUT_RDWR);
 */
export const SHUT_RDWR = "SHUT_RDWR";

/**
 * An address family: AF_INET or AF_INET6.
 *
 * @example
 * const family: AddressFamily = AF_INET;
 */
export type AddressFamily = typeof AF_INET | typeof AF_INET6;

/**
 * A socket type: SOCK_STREAM (TCP) or SOCK_DGRAM (UDP).
 *
 * @example
 * const type: SocketType = SOCK_STREAM;
 */
export type SocketType = typeof SOCK_STREAM | typeof SOCK_DGRAM;

/**
 * What shutdown() closes: SHUT_RD, SHUT_WR or SHUT_RDWR.
 *
 * @example
 * const how: ShutdownHow = SHUT_WR;
 */
export type ShutdownHow = typeof SHUT_RD | typeof SHUT_WR | typeof SHUT_RDWR;
