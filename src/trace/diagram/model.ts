/**
 * What a sequence diagram is made of, between the recorded events and the SVG: lanes, the steps
 * placed on them (one per event, one row each) and the arrows between steps.
 */

import type { TraceEvent } from "../recording";

/** Where an event is drawn and which connection it belongs to. */
export interface Placed {
  event: TraceEvent;
  /** Position in the input (ties in time keep input order). */
  index: number;
  lane: Lane;
  /** The client's "host:port": names the connection (undefined for a listening socket). */
  client?: string;
  /** The server's port, as a string key. */
  server?: string;
  /** UDP sendto: the lane of the address it went to, where its arrow ends if nobody received it. */
  toLane?: Lane;
  /** Final row, after ordering. */
  row: number;
}

export interface Lane {
  key: string;
  role: "server" | "client";
  /** The first line of the lane's head, in bold: "server", "UDP client", ... */
  heading: string;
  /** The second line: the address. */
  label: string;
  /** A UDP socket's lane, or that of an address datagrams went to where no socket was recorded. */
  udp?: "socket" | "address";
  x: number;
}

export interface Arrow {
  from: Placed;
  /** The recv that took the last byte of this send (or the end of stream), if it was recorded. */
  to?: Placed;
  kind: "data" | "fin";
  /** A UDP datagram (sendto), not a TCP send. */
  datagram?: boolean;
  /** Text of the label. */
  label: string;
  /** Direction, for the colour. */
  toServer: boolean;
}

/** Data steps are dots on the lane (with arrows); the others are labelled boxes. */
export function isStep(p: Placed): boolean {
  const kind = p.event.kind;
  return (
    kind === "send" ||
    kind === "recv" ||
    kind === "unrecv" ||
    kind === "sendto" ||
    kind === "recvfrom"
  );
}

/** Where an arrow is drawn: its line (ending short of the lane) and its label's box. */
export interface ArrowShape {
  arrow: Arrow;
  x1: number;
  y1: number;
  /** The tip, a few pixels short of the target lane so the step's dot does not hide it. */
  x2: number;
  y2: number;
  /** Which way the arrow goes: its label starts at its tail and runs that way. */
  rightward: boolean;
  /** The label's baseline start (its text-anchor end when leftward). */
  lx: number;
  ly: number;
}
