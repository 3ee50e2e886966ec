/**
 * A DatagramSocket's life as a type: public (a notebook compares `udp.state` with its values),
 * and apart from the class, as StreamState is.
 */

/**
 * Where a DatagramSocket is in its life: created, bound (it has a port), connected (bound, and
 * tied to one peer by connect), closed.
 *
 * @example
 * udp.state; // "bound"
 */
export type DatagramState = "fresh" | "bound" | "connected" | "closed";
