/**
 * The notebook's view of the sockets the helper holds open: list them, close them all. The
 * registry itself is ./internal/tracker.ts.
 */
import { DatagramSocket } from "./datagram-socket";
import { kRelease } from "./internal/symbols";
import { trackedSockets } from "./internal/tracker";
import { StreamSocket } from "./stream-socket";

/**
 * The sockets this helper has opened and not yet closed, in the order they opened: listening
 * sockets, connected clients, accepted connections, bound UDP sockets. A socket that holds
 * nothing of the system's yet (just created, or a TCP socket only bound) is not listed;
 * connections a server has not accepted yet belong to their listener.
 *
 * @example
 * openSockets().length; // 0 after closeAll()
 */
export function openSockets(): Array<StreamSocket | DatagramSocket> {
  // Every tracked socket is one of the two; the filter only tells TypeScript so.
  return trackedSockets().filter(
    (s): s is StreamSocket | DatagramSocket =>
      s instanceof StreamSocket || s instanceof DatagramSocket,
  );
}

/**
 * Closes every socket the helper has opened in this process (listeners, their connections,
 * connections not yet accepted, clients, UDP sockets) and resolves, with how many it closed, once
 * all of them are closed. Put it in a notebook's first cell, or run it when a cell was
 * interrupted and left a server behind.
 *
 * @example
 * await closeAll();
 */
export async function closeAll(): Promise<number> {
  const sockets = trackedSockets();
  await Promise.all(sockets.map((s) => s[kRelease]()));
  return sockets.length;
}
