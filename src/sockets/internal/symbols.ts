/**
 * The keys of the sockets' internal members, as Node's lib/dgram.js keeps its state behind
 * symbols: the tracker and framing reach them, a notebook's autocompletion and `sock.` do not.
 */

/** Closes the socket and everything that lives from it (a listener's accepted connections). */
export const kRelease = Symbol("release");

/** The port a socket holds that a new listener would collide with, or undefined. */
export const kHeldPort = Symbol("heldPort");

/** Puts bytes back at the head of a StreamSocket's receive queue (framing's read-ahead). */
export const kUnrecv = Symbol("unrecv");
