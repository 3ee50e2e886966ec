/**
 * Addresses as the lecture writes them: a pair (host, port), like Python's ('127.0.0.1', 12345).
 */
import { lookup } from "node:dns/promises";
import { isIP, isIPv4, isIPv6 } from "node:net";
import { SocketUsageError, toSocketError } from "../errors/socket-error";
import { type AddressFamily, AF_INET, AF_INET6 } from "./constants";

/**
 * A socket address: [host, port], the lecture's `('127.0.0.1', 12345)`.
 *
 * @example
 * const serverAddress: Address = ["127.0.0.1", 12345];
 */
export type Address = [host: string, port: number];

/**
 * What the calls accept as an address: [host, port], or just a port number, which means that
 * port on loopback ("127.0.0.1", or "::1" for AF_INET6).
 *
 * @example
 * await server.bind(0);                  // same as bind(["127.0.0.1", 0])
 * await server.bind(["127.0.0.1", 0]);
 */
export type AddressInput = Address | readonly [host: string, port: number] | number;

/**
 * The host used when a caller gives only a port: loopback, reachable from this machine only.
 * A server in a notebook is then safe from the rest of the network by default; a caller who
 * really wants every interface writes the lecture's "" explicitly.
 *
 * @example
 * defaultHost(AF_INET);  // "127.0.0.1"
 * defaultHost(AF_INET6); // "::1"
 */
export function defaultHost(family: AddressFamily): string {
  return family === AF_INET6 ? "::1" : "127.0.0.1";
}

/**
 * The address the system uses for "all interfaces" (the lecture's ""): "0.0.0.0" or "::".
 *
 * @example
 * anyHost(AF_INET); // "0.0.0.0"
 */
export function anyHost(family: AddressFamily): string {
  return family === AF_INET6 ? "::" : "0.0.0.0";
}

/**
 * Checks that `port` is a port number: an integer from 0 to 65535 (ports are 16-bit numbers).
 * `destination` forbids 0, which means "any free port" only when binding.
 * Throws a SocketUsageError with code ERR_INVALID_PORT otherwise.
 *
 * @example
 * validatePort(12345, "bind"); // ok
 * validatePort(70000, "bind"); // throws ERR_INVALID_PORT
 */
export function validatePort(port: unknown, operation: string, destination = false): number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    const shown = typeof port === "string" ? JSON.stringify(port) : String(port);
    throw new SocketUsageError(
      "ERR_INVALID_PORT",
      `${operation}: ${shown} is not a port: ports are 16-bit numbers, an integer from 0 to 65535`,
    );
  }
  if (destination && port === 0) {
    throw new SocketUsageError(
      "ERR_INVALID_PORT",
      `${operation}: port 0 means "any free port" when binding; to reach a server give its real port (e.g. server.localPort)`,
    );
  }
  return port;
}

/**
 * Checks that `host` suits the socket's family: an IPv4 address for AF_INET, an IPv6 address for
 * AF_INET6, a name such as "localhost", or "" (all interfaces). Throws ERR_INVALID_HOST.
 *
 * @example
 * validateHost("127.0.0.1", AF_INET, "bind"); // ok
 * validateHost("::1", AF_INET, "bind");       // throws: an AF_INET socket needs IPv4
 */
export function validateHost(host: unknown, family: AddressFamily, operation: string): string {
  if (typeof host !== "string") {
    throw new SocketUsageError(
      "ERR_INVALID_HOST",
      `${operation}: the host must be a string such as "127.0.0.1", got ${String(host)}`,
    );
  }
  if (host === "") return host;
  if (family === AF_INET && isIPv6(host)) {
    throw new SocketUsageError(
      "ERR_INVALID_HOST",
      `${operation}: "${host}" is an IPv6 address but this is an AF_INET (IPv4) socket; create socket(AF_INET6, ...) for IPv6`,
    );
  }
  if (family === AF_INET6 && isIPv4(host)) {
    throw new SocketUsageError(
      "ERR_INVALID_HOST",
      `${operation}: "${host}" is an IPv4 address but this is an AF_INET6 socket; create socket(AF_INET, ...) for IPv4`,
    );
  }
  // DNS limits: 253 characters in all, 63 between two dots. A longer "name" cannot exist (and
  // the messages below, which quote the host, stay short).
  if (host.length > 253 || host.split(".").some((label) => label.length > 63)) {
    throw new SocketUsageError(
      "ERR_INVALID_HOST",
      `${operation}: a host name has at most 253 characters and 63 between two dots; got one of ${host.length} characters`,
    );
  }
  // Digits and dots only: a mistyped IPv4 address (a number over 255, too few or too many
  // numbers), never a name (no top-level domain is all digits). Caught here, it is not sent to
  // the resolver, which would look it up as a name on the network and fail, slowly when offline.
  if (/^[0-9.]+$/.test(host) && !isIPv4(host)) {
    throw new SocketUsageError(
      "ERR_INVALID_HOST",
      `${operation}: "${host}" is not an IPv4 address: four numbers from 0 to 255 separated by dots, like 127.0.0.1`,
    );
  }
  // Not an IP: it must at least look like a host name, so a typo fails here, not in the resolver.
  if (
    isIP(host) === 0 &&
    !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(
      host,
    )
  ) {
    throw new SocketUsageError(
      "ERR_INVALID_HOST",
      `${operation}: "${host}" is neither an IP address (like 127.0.0.1) nor a host name (like localhost)`,
    );
  }
  return host;
}

/**
 * Turns what a caller wrote into a checked [host, port]: a bare port number gets the loopback
 * host; "" stays "" (the caller's explicit choice of all interfaces).
 *
 * @example
 * parseAddress(0, AF_INET, "bind");            // ["127.0.0.1", 0]
 * parseAddress(["", 12345], AF_INET, "bind");  // ["", 12345]
 */
export function parseAddress(
  input: unknown,
  family: AddressFamily,
  operation: string,
  destination = false,
): Address {
  if (typeof input === "number") {
    return [defaultHost(family), validatePort(input, operation, destination)];
  }
  if (!Array.isArray(input) || input.length !== 2) {
    throw new SocketUsageError(
      "ERR_INVALID_ARGUMENT",
      `${operation} takes an address [host, port], like ["127.0.0.1", 12345], got ${describe(input)}`,
    );
  }
  const host = validateHost(input[0], family, operation);
  return [host, validatePort(input[1], operation, destination)];
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return String(value);
}

/**
 * Whether two listening hosts would collide on the same port: the same host, or one of them is
 * "all interfaces" of a family the other belongs to ("::" takes IPv4 too on this system).
 * Used to close this Jupyter kernel's own old listener before listening again on its port.
 *
 * @example
 * hostsOverlap("0.0.0.0", "127.0.0.1"); // true
 * hostsOverlap("::1", "127.0.0.1");     // false
 */
export function hostsOverlap(a: string, b: string): boolean {
  const canonical = (h: string) => (h === "localhost" ? "127.0.0.1" : h);
  const [x, y] = [canonical(a), canonical(b)];
  if (x === y || x === "" || y === "" || x === "::" || y === "::") return true;
  if (x === "0.0.0.0") return !isIPv6(y);
  if (y === "0.0.0.0") return !isIPv6(x);
  return false;
}

/**
 * The IP address to bind for `host`: an IP address as it is, a name such as "localhost" looked
 * up in the socket's family (so "localhost" is 127.0.0.1 for AF_INET). A name that cannot be
 * resolved rejects with ENOTFOUND and a hint, named after `call`, the lecture's call that looked
 * it up (Node's "getaddrinfo" stays in the error's `nodeSyscall`).
 *
 * @example
 * await resolveHost("localhost", AF_INET, 12345, "listen"); // "127.0.0.1"
 */
export async function resolveHost(
  host: string,
  family: AddressFamily,
  port: number,
  call: string,
): Promise<string> {
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host, { family: family === AF_INET6 ? 6 : 4 })).address;
  } catch (err) {
    throw toSocketError(err, call, host, port);
  }
}
