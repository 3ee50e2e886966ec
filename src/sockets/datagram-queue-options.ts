/**
 * What `new DatagramSocket(family, options)` takes: the limits of its queue of unread datagrams,
 * the stand-in for the system's receive buffer (see internal/datagram-queue.ts).
 */

/**
 * Limits of the queue of datagrams received and not yet read.
 *
 * @example
 * const udp = new DatagramSocket(AF_INET, { maxQueuedDatagrams: 3 }); // to watch datagrams being dropped
 */
export interface DatagramQueueOptions {
  /** Most datagrams kept unread (default 1024). */
  maxQueuedDatagrams?: number;
  /** Most bytes kept unread (default 1 MiB). */
  maxQueuedBytes?: number;
}
