/**
 * Errors a learner can act on. A {@link SocketError} is what the operating system said (Node's
 * `code`, `address`, `port`, `errno` kept as they are), named after the lecture's call that
 * failed (`send`, not Node's `write`), plus a `hint` in plain words; a {@link SocketUsageError}
 * is a mistake in how the helper was called, with a code of its own.
 */
import { constants } from "node:os";
import { getSystemErrorMap, inspect } from "node:util";

import { studentView } from "./error-view";

/**
 * The codes of {@link SocketUsageError}: each names one kind of misuse.
 *
 * @example
 * if (err instanceof SocketUsageError && err.code === "ERR_TIMEOUT") console.log("no answer yet");
 */
export type UsageErrorCode =
  | "ERR_INVALID_PORT"
  | "ERR_INVALID_HOST"
  | "ERR_INVALID_ARGUMENT"
  | "ERR_NOT_BOUND"
  | "ERR_ALREADY_BOUND"
  | "ERR_ALREADY_LISTENING"
  | "ERR_NOT_LISTENING"
  | "ERR_NOT_CONNECTED"
  | "ERR_ALREADY_CONNECTED"
  | "ERR_SOCKET_CLOSED"
  | "ERR_NOT_SUPPORTED"
  | "ERR_TIMEOUT";

/** What Node attaches to a system error (the fields of `NodeJS.ErrnoException` we keep). */
interface NodeSystemError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
}

/**
 * The operating system refused a socket operation. `syscall` and the start of the message name
 * the call the student made ("send EPIPE ...", "recv ECONNRESET ..."), even where Node names
 * the system call under it ("write", "read"); Node's name stays in `nodeSyscall`. Keeps Node's
 * `code` ("ECONNREFUSED"), `address`, `port` and `errno` as Node gave them; `cause` is Node's
 * original error, untouched; `hint` says in plain words what it usually means and what to do.
 *
 * @example
 * try {
 *   await socket(AF_INET, SOCK_STREAM).connect(["127.0.0.1", 1]);
 * } catch (err) {
 *   if (err instanceof SocketError) console.log(err.syscall, err.code, err.hint);
 * }
 * // A send to a server that has gone: syscall "send", code "EPIPE", nodeSyscall "write".
 */
export class SocketError extends Error {
  override name = "SocketError";
  /** The system's error code, e.g. "ECONNREFUSED". */
  readonly code: string;
  /**
   * The lecture's call that failed, as the student wrote it: "connect", "listen", "bind",
   * "accept", "send", "recv", "shutdown", "sendto", "recvfrom".
   */
  readonly syscall: string;
  /**
   * The system call as Node named it in `cause` ("write" for a failed send, "read" for a recv,
   * "bind" for a connect from a bound address), or undefined when Node named none. Often the
   * same as `syscall`.
   */
  readonly nodeSyscall: string | undefined;
  /** The host involved, when there is one. */
  readonly address: string | undefined;
  /** The port involved, when there is one. */
  readonly port: number | undefined;
  /** The system's error number (negative, as libuv reports it), when known. */
  readonly errno: number | undefined;
  /** What the error usually means here, in plain words ("" when we have nothing to add). */
  readonly hint: string;

  constructor(cause: Error, fields: SocketErrorFields) {
    const where = describeTarget(fields.address, fields.port);
    const head = `${fields.syscall} ${fields.code}${where ? ` ${where}` : ""}`;
    super(fields.hint ? `${head}: ${fields.hint}` : renamed(cause.message, fields, head), {
      cause,
    });
    this.code = fields.code;
    this.syscall = fields.syscall;
    this.nodeSyscall = fields.nodeSyscall;
    this.address = fields.address;
    this.port = fields.port;
    this.errno = fields.errno;
    this.hint = fields.hint;
  }

  /** A notebook prints the message and the student's lines (see error-view.ts). */
  [inspect.custom](): string {
    return studentView(this, this.code);
  }
}

/** Node's own message with the student's call in front instead of Node's system call. */
function renamed(message: string, fields: SocketErrorFields, head: string): string {
  const node = fields.nodeSyscall;
  if (node === undefined || node === fields.syscall) return message;
  return message.startsWith(`${node} `) ? `${fields.syscall}${message.slice(node.length)}` : head;
}

/**
 * The fields of a {@link SocketError}.
 *
 * @example
 * new SocketError(nodeError, { code: "EPIPE", syscall: "send", nodeSyscall: "write", hint: "" });
 */
export interface SocketErrorFields {
  code: string;
  /** The lecture's call that failed. */
  syscall: string;
  /** The system call Node's error names, when it names one. */
  nodeSyscall?: string;
  address?: string;
  port?: number;
  errno?: number;
  hint: string;
}

/**
 * The helper was used in a way that cannot work: a bad port, recv before connect, send after
 * close, text where bytes are needed, a timeout that elapsed. `code` says which (see
 * {@link UsageErrorCode}); the message says what to do instead. Always reported at once, never
 * after a hang.
 *
 * @example
 * try {
 *   await socket(AF_INET, SOCK_STREAM).bind(["127.0.0.1", 70000]);
 * } catch (err) {
 *   if (err instanceof SocketUsageError) console.log(err.code); // "ERR_INVALID_PORT"
 * }
 */
export class SocketUsageError extends Error {
  override name = "SocketUsageError";
  readonly code: UsageErrorCode;

  constructor(code: UsageErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  /** A notebook prints the message and the student's lines (see error-view.ts). */
  [inspect.custom](): string {
    return studentView(this, this.code);
  }
}

/**
 * Formats a host and port the way the system does: "127.0.0.1:4000", "[::1]:4000".
 *
 * @example
 * formatAddress("::1", 4000); // "[::1]:4000"
 */
export function formatAddress(host: string, port: number): string {
  const shown = host === "" ? "*" : host;
  return shown.includes(":") ? `[${shown}]:${port}` : `${shown}:${port}`;
}

function describeTarget(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return port === undefined ? "" : `port ${port}`;
  return port === undefined ? address : formatAddress(address, port);
}

/**
 * The plain-words hint for a system error code, or "" when we have nothing useful to add.
 * `syscall` is the system call that failed as Node names it: EADDRNOTAVAIL from "connect" (no
 * local port left) means something else than from "bind" or "listen" (not this machine's address).
 *
 * @example
 * hintFor("ECONNREFUSED", "connect", "127.0.0.1", 4000);
 * // "nothing is listening on 127.0.0.1:4000; start the server first"
 */
export function hintFor(code: string, syscall: string, address?: string, port?: number): string {
  const where = describeTarget(address, port) || "that address";
  switch (code) {
    case "ECONNREFUSED":
      if (syscall === "recvmsg" || syscall === "sendmsg") {
        return `nothing is listening on UDP ${where}: the operating system answered an earlier datagram with ICMP "port unreachable", which only a connected UDP socket hears of; start the server first (and check the port)`;
      }
      return `nothing is listening on ${where}; start the server first (and check the port)`;
    case "EDESTADDRREQ":
      return "this UDP socket has no peer to send to: give the address with sendto(data, address), or connect(address) first";
    case "EADDRINUSE":
      return `another socket already uses ${where}: a server from an earlier cell or another program (sockets share a port only if every one sets SO_REUSEPORT), or a recent TCP connection on that port still in TIME_WAIT (a server restarted at once: it needs SO_REUSEADDR, which Node always sets and Python only when asked); call closeAll() to close this notebook's sockets, or use port 0 to get any free port`;
    case "EACCES":
      if (port !== undefined && port > 0 && port < 1024) {
        return `ports 0-1023 are well-known ports reserved for system services: on Linux, binding a port below net.ipv4.ip_unprivileged_port_start (1024 unless changed) needs administrator rights; use a port from 1024 to 65535, or 0 for any free port`;
      }
      return "the system does not allow this program to do that";
    case "ECONNRESET":
      return "the other side reset the connection: it closed abruptly (it may have crashed, or closed with data left unread); this connection is gone, open a new one";
    case "ETIMEDOUT":
      return `no answer from ${where} in the system's time limit; check the address and that the machine is reachable`;
    case "EPIPE":
      return "the connection is closed for sending: the other side closed it, or this side called shutdown(SHUT_WR)";
    case "ENOTFOUND":
      return `the name ${JSON.stringify(address ?? "")} could not be turned into an address; check its spelling, or use an IP address such as 127.0.0.1`;
    case "EADDRNOTAVAIL":
      if (syscall === "connect") {
        return "the system has no free local port or address left to connect from; close some sockets (closeAll()) and try again";
      }
      return `${address ?? "that address"} is not an address of this machine; bind to 127.0.0.1 (this machine only) or "" (all interfaces)`;
    case "EMSGSIZE":
      return "a UDP datagram carries at most 65,507 bytes over IPv4 (65,527 over IPv6); send less at a time";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `no route to ${where}; check the address`;
    default:
      return "";
  }
}

/**
 * Wraps an error from Node (a system error with `code` and `syscall`) into a {@link SocketError}
 * with a hint, named after `syscall`, the lecture's call that failed: Node's own name for the
 * system call ("write", "read", "getaddrinfo") is kept in `nodeSyscall` and in `cause`. Without
 * `syscall`, Node's name is used. `address` and `port` fill in what Node's error lacks. A
 * SocketError that another call reported first (the reset a recv saw, met again by send) comes
 * back named after `syscall`, with the same cause and fields. Usage errors and errors it does
 * not recognise are returned unchanged.
 *
 * @example
 * server.on("error", (err) => reject(toSocketError(err, "listen", "127.0.0.1", 4000)));
 */
export function toSocketError(
  err: unknown,
  syscall?: string,
  address?: string,
  port?: number,
): Error {
  if (err instanceof SocketError) return reportedBy(err, syscall);
  if (err instanceof SocketUsageError) return err;
  if (!(err instanceof Error)) return new Error(String(err));
  const e = err as NodeSystemError;
  if (typeof e.code !== "string" || !/^E[A-Z0-9]+$/.test(e.code)) return err;
  const fields = {
    code: e.code,
    syscall: syscall ?? e.syscall ?? "socket",
    nodeSyscall: e.syscall,
    address: e.address ?? e.hostname ?? address,
    port: e.port ?? port,
    errno: e.errno,
  };
  // The hint follows the system call that really failed: on a connect from a bound address,
  // EADDRNOTAVAIL is Node's "bind" (not an address of this machine), not its "connect".
  const system = fields.nodeSyscall ?? fields.syscall;
  return new SocketError(err, {
    ...fields,
    hint: hintFor(fields.code, system, fields.address, fields.port),
  });
}

function reportedBy(err: SocketError, syscall: string | undefined): SocketError {
  if (syscall === undefined || syscall === err.syscall) return err;
  return new SocketError(err.cause as Error, {
    code: err.code,
    syscall,
    nodeSyscall: err.nodeSyscall,
    address: err.address,
    port: err.port,
    errno: err.errno,
    hint: err.hint,
  });
}

/**
 * Creates the error the system reports for `code`, shaped exactly like Node's own (`errno` is
 * this system's number, the message its description), wrapped into a {@link SocketError}. The
 * helper uses it where Node reports a condition in its own words instead of the system's (a send
 * on a connection that is already closed is EPIPE); lessons and tests use it to show an error
 * this machine cannot produce on demand (EACCES when running as administrator).
 *
 * @example
 * const err = systemError("EACCES", "listen", "127.0.0.1", 80);
 * err.hint; // "ports 0-1023 are well-known ports reserved for system services: on Linux, ..."
 */
export function systemError(
  code: string,
  syscall: string,
  address?: string,
  port?: number,
): SocketError {
  const errno = errnoOf(code);
  const description = (errno !== undefined && getSystemErrorMap().get(errno)?.[1]) || code;
  const where = describeTarget(address, port);
  const nodeError: NodeSystemError = new Error(
    `${syscall} ${code}: ${description}${where ? ` ${where}` : ""}`,
  );
  Object.assign(nodeError, { code, errno, syscall, address, port });
  return toSocketError(nodeError) as SocketError;
}

function errnoOf(code: string): number | undefined {
  // libuv reports errno negated; getaddrinfo's "not found" is EAI_NONAME, which Node calls ENOTFOUND.
  const name = code === "ENOTFOUND" ? "EAI_NONAME" : code;
  for (const [errno, [known]] of getSystemErrorMap()) {
    if (known === name) return errno;
  }
  const positive = (constants.errno as Record<string, number | undefined>)[code];
  return positive === undefined ? undefined : -positive;
}
