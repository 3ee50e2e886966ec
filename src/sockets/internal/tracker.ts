/**
 * Notebook hygiene: every socket the helper opens is registered here until it is closed, so that
 * one call closes them all, and so that re-running a cell that listens on a port this Jupyter kernel
 * already holds closes the old listener instead of failing with EADDRINUSE.
 */
import { hostsOverlap } from "../address";
import { SOCK_STREAM, type SocketType } from "../constants";
import { kHeldPort, kRelease } from "./symbols";

/** What the tracker needs from a socket (StreamSocket and DatagramSocket provide it). */
export interface TrackedSocket {
  /** The socket's id, unique in this process (the trace's socketId). */
  readonly id: number;
  /** SOCK_STREAM (TCP) or SOCK_DGRAM (UDP). */
  readonly type: SocketType;
  /** The local port, 0 until the system bound the socket; kept after close. */
  readonly localPort: number;
  /** Closes the socket, as its own close() does. */
  close(): Promise<void>;
  /**
   * Where this socket holds a port that a new listener would collide with (a listening TCP
   * socket, a bound UDP socket), else undefined.
   */
  [kHeldPort](): { protocol: "tcp" | "udp"; host: string; port: number } | undefined;
  /** Closes the socket and everything that lives from it (a listener's accepted connections). */
  [kRelease](): Promise<void>;
}

const open = new Map<number, TrackedSocket>();
/** "tcp:PORT" / "udp:PORT" of every local port a closed socket of the helper held. */
const used = new Set<string>();
let lastId = 0;

/**
 * Internal: gives a new socket its id. Called by the socket constructors.
 *
 * @example
 * const id = nextSocketId(); // 1, 2, 3, ...
 */
export function nextSocketId(): number {
  lastId += 1;
  return lastId;
}

/**
 * Internal: registers a socket as open. Called by the sockets when they start holding a system
 * resource (listen, connect, accept, UDP bind).
 *
 * @example
 * track(this);
 */
export function track(socket: TrackedSocket): void {
  open.set(socket.id, socket);
}

/**
 * Internal: forgets a socket once it is closed.
 *
 * @example
 * untrack(this);
 */
export function untrack(socket: TrackedSocket): void {
  open.delete(socket.id);
  if (socket.localPort !== 0) used.add(portKey(socket.type, socket.localPort));
}

function portKey(type: SocketType, port: number): string {
  return `${type === SOCK_STREAM ? "tcp" : "udp"}:${port}`;
}

/**
 * Internal (socketTable): remembers a local port a socket of this process holds (one the helper
 * did not open, seen in the operating system's table), for {@link usedPort}.
 *
 * @example
 * rememberPort("tcp", 40123);
 */
export function rememberPort(protocol: "tcp" | "udp", port: number): void {
  used.add(`${protocol}:${port}`);
}

/**
 * Internal (socketTable): whether a socket of the helper held, or holds, this local port: the
 * operating system's rows that no process owns any more (TIME_WAIT) are this process's if so.
 *
 * @example
 * usedPort("tcp", 40123); // true after a client on port 40123 closed
 */
export function usedPort(protocol: "tcp" | "udp", port: number): boolean {
  const key = `${protocol}:${port}`;
  if (used.has(key)) return true;
  for (const s of open.values()) if (portKey(s.type, s.localPort) === key) return true;
  return false;
}

/**
 * The sockets registered and not yet untracked, in the order they were registered (the public
 * openSockets() and closeAll() in ../open-sockets.ts read them; this module knows no socket class,
 * so that the classes can import it).
 */
export function trackedSockets(): TrackedSocket[] {
  return [...open.values()];
}

/**
 * Internal: before listening on (or binding a UDP socket to) host:port, closes this process's
 * own socket that holds a colliding port, with its connections: re-running a notebook cell then
 * replaces its old server instead of failing with EADDRINUSE. Port 0 never collides.
 *
 * @example
 * await releasePort("tcp", "127.0.0.1", 12345);
 */
export async function releasePort(
  protocol: "tcp" | "udp",
  host: string,
  port: number,
): Promise<void> {
  if (port === 0) return;
  const holders = [...open.values()].filter((s) => {
    const held = s[kHeldPort]();
    return held?.protocol === protocol && held.port === port && hostsOverlap(held.host, host);
  });
  await Promise.all(holders.map((s) => s[kRelease]()));
}
