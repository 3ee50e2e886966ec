/**
 * A StreamSocket's life as a type: public (a notebook compares `sock.state` with its values), and
 * apart from the class so that the internals that check states need not import the class.
 */

/**
 * Where a StreamSocket is in its life: created, bound (address chosen), listen-pending (listen()
 * called and not finished: the system is binding; await it), listening (a server), connecting
 * (connect() called and not finished), connected (a client, or a connection returned by
 * accept), closed.
 *
 * @example
 * if (sock.state === "closed") console.log("create a new socket");
 */
export type StreamState =
  | "fresh"
  | "bound"
  | "listen-pending"
  | "listening"
  | "connecting"
  | "connected"
  | "closed";
