/**
 * The mistakes a learner makes with a socket, each with its own code and a message that says
 * what to do instead. Gathered here so that TCP and UDP sockets word them the same way.
 */

import { inspect } from "node:util";
import type { SocketType } from "./constants";

import { SocketUsageError } from "./errors";

const inspectShort = (value: unknown) => inspect(value, { depth: 1, breakLength: Infinity });

const err = (code: SocketUsageError["code"], message: string) =>
  new SocketUsageError(code, message);

/**
 * Internal: one function per kind of misuse, each returning the SocketUsageError to throw.
 *
 * @example
 * throw misuse.notConnected("recv", false);
 */
export const misuse = {
  badFamily: (family: unknown) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `the family is AF_INET (IPv4) or AF_INET6 (IPv6), got ${String(family)}`,
    ),
  closed: (op: string, type: SocketType) =>
    err(
      "ERR_SOCKET_CLOSED",
      `${op}: the socket is closed; create a new one with socket(AF_INET, ${type})`,
    ),
  closedWhileWaiting: (op: string) =>
    err("ERR_SOCKET_CLOSED", `${op}: the socket was closed while ${op} was waiting`),
  alreadyBound: (where: string) =>
    err(
      "ERR_ALREADY_BOUND",
      `bind: this socket is already bound to ${where}; a socket is bound once (create a new socket for another address)`,
    ),
  bindAfterConnect: () =>
    err(
      "ERR_ALREADY_CONNECTED",
      "bind: this socket is already connected; bind comes before connect",
    ),
  listenWhenConnected: () =>
    err(
      "ERR_ALREADY_CONNECTED",
      "listen: this socket is connected; a server needs its own socket: socket(AF_INET, SOCK_STREAM)",
    ),
  listenUnbound: () =>
    err(
      "ERR_NOT_BOUND",
      'listen: bind the socket to an address first, e.g. await server.bind(["127.0.0.1", 12345])',
    ),
  badBacklog: (backlog: unknown) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `listen takes a backlog, a whole number like listen(1); got ${String(backlog)}`,
    ),
  notListening: (connected: boolean) =>
    err(
      "ERR_NOT_LISTENING",
      connected
        ? "accept: this is a connected socket; accept is for a server socket after bind and listen"
        : "accept: the socket is not listening; call bind(...) then listen() first",
    ),
  connectWhenListening: () =>
    err(
      "ERR_ALREADY_LISTENING",
      "connect: this socket is listening; a client needs its own socket: socket(AF_INET, SOCK_STREAM)",
    ),
  alreadyConnected: (to: string) =>
    err(
      "ERR_ALREADY_CONNECTED",
      `connect: this socket is already connected${to ? ` to ${to}` : ""}; a socket connects once, create a new one`,
    ),
  notConnected: (op: string, listening: boolean) =>
    err(
      "ERR_NOT_CONNECTED",
      listening
        ? `${op}: a listening socket carries no data; use the connection that accept() returned`
        : `${op}: the socket is not connected; connect (client) or accept (server) first`,
    ),
  notFinished: (op: string, pending: "connect" | "listen" | "bind") =>
    err(
      pending === "connect"
        ? "ERR_NOT_CONNECTED"
        : pending === "listen"
          ? "ERR_NOT_LISTENING"
          : "ERR_NOT_BOUND",
      `${op}: ${pending}() has not finished yet: did you forget \`await\`? (\`await sock.${pending}(...)\` waits until it has)`,
    ),
  forgotAwait: (call: string, example: string) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `${call}() returns a Promise: did you forget \`await\`? Write \`${example}\``,
    ),
  promiseNotBytes: (op: string) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `${op} got a Promise, not bytes: did you forget \`await\`? Write \`const data = await sock.recv(1024)\` before using data`,
    ),
  noPeer: () =>
    err(
      "ERR_NOT_CONNECTED",
      "getpeername: this socket has no peer; only a connected socket (connect, or accept's connection) has one",
    ),
  closedBeforeSent: () =>
    err(
      "ERR_SOCKET_CLOSED",
      "send: the socket was closed before all the data was handed to the system",
    ),
  badShutdown: (how: unknown) =>
    err("ERR_INVALID_ARGUMENT", `shutdown takes SHUT_RD, SHUT_WR or SHUT_RDWR; got ${String(how)}`),
  badShare: (name: string, value: unknown) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `startLossyServer: ${name} is a share from 0 to 1 (0.3 = 30 %), got ${String(value)}`,
    ),
  sharesOver1: (loss: number, delay: number, duplicate: number) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `startLossyServer: lossRate + delayRate + duplicateRate is at most 1 (each datagram has one fate), got ${loss} + ${delay} + ${duplicate}`,
    ),
  badDelay: (value: unknown) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `startLossyServer: delayMs is how late a delayed answer comes, milliseconds from 0, got ${String(value)}`,
    ),
  badSeed: (value: unknown) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `startLossyServer: the seed is a whole number like 42 (the same seed gives the same losses), got ${String(value)}`,
    ),
  badFateCount: (value: unknown) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `lossyFates: the count is how many datagrams' fates to list, a whole number from 0, got ${String(value)}`,
    ),
  badTableFilter: (filter: unknown) =>
    err(
      "ERR_INVALID_ARGUMENT",
      `socketTable takes { port, protocol, all }: a port from 1 to 65535, "tcp" or "udp", true or false, e.g. socketTable({ port: server.localPort }); got ${inspectShort(filter)}`,
    ),
  socketTableUnavailable: (reason: string) =>
    err("ERR_NOT_SUPPORTED", `socketTable: cannot read the system's socket table: ${reason}`),
  socketTableUnreadable: (source: string, line: string) =>
    err(
      "ERR_NOT_SUPPORTED",
      `socketTable: ${source} has a line this helper cannot read (a format it does not know): ${JSON.stringify(line.trim())}`,
    ),
  recvfromUnbound: (op = "recvfrom") =>
    err(
      "ERR_NOT_BOUND",
      `${op}: the socket has no port yet, so nothing can reach it; bind first (or sendto or connect, which bind)`,
    ),
  sendtoWhenConnected: (peer: string) =>
    err(
      "ERR_ALREADY_CONNECTED",
      `sendto: this UDP socket is connected to ${peer}; use send(data), or disconnect() first to send elsewhere`,
    ),
  notConnectedUdp: (op: string) =>
    err(
      "ERR_NOT_CONNECTED",
      `${op}: this UDP socket is not connected; connect(address) ties it to one peer`,
    ),
};

/**
 * Internal: checks recv's and recvfrom's size argument, a whole number of bytes from 1.
 *
 * @example
 * checkSize(1024, "recv"); // ok
 * checkSize("1024", "recv"); // throws ERR_INVALID_ARGUMENT
 */
export function checkSize(max: unknown, op: string): void {
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1) {
    throw err(
      "ERR_INVALID_ARGUMENT",
      `${op} takes the largest number of bytes to receive, a whole number like ${op}(1024); got ${String(max)}`,
    );
  }
}
