/**
 * Recording a session: the sockets report what they do (listen, connect, accept, send, recv,
 * shutdown, close; for UDP bind, sendto, recvfrom, close) so that a lesson can draw the exchange
 * as a sequence diagram afterwards.
 */

import type { Address } from "../sockets/address";

/**
 * Which side of the exchange a socket is on: a listening socket and the connections it accepts are
 * the server. A UDP socket is the server when it called bind itself, as a UDP server must before
 * anyone can send to it; one that got its port from its first sendto is a client.
 *
 * @example
 * const serverSteps = rec.events.filter((e) => e.side === "server");
 */
export type Side = "server" | "client";

/**
 * What happened. "unrecv" is internal: framing (recvLine, recvFramed) read more than one message
 * and put the surplus bytes back, to be received again; the diagram needs it to count bytes right.
 * "bind", "sendto" and "recvfrom" come from datagram (UDP) sockets, which also record "close".
 *
 * @example
 * const sends = rec.events.filter((e) => e.kind === "send" || e.kind === "sendto").length;
 */
export type TraceKind =
  | "bind"
  | "sendto"
  | "recvfrom"
  | "listen"
  | "connect"
  | "accept"
  | "send"
  | "recv"
  | "unrecv"
  | "shutdown"
  | "close";

/**
 * The four values that tell one TCP connection apart from every other: both ends' address and port.
 *
 * @example
 * const { localPort, remotePort } = connection.fourTuple; // e.g. 12345 and 53412
 */
export interface FourTuple {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

/**
 * One recorded step.
 *
 * @example
 * for (const e of rec.stop()) console.log(`${e.time.toFixed(1)} ms ${e.side} ${e.kind} ${e.bytes ?? ""}`);
 * // a UDP sendto: { side: "client", kind: "sendto", bytes: 4, preview: "ping",
 * //   local: ["127.0.0.1", 50123], peer: ["127.0.0.1", 40000], socketId: 7, time: 3.2 }
 */
export interface TraceEvent {
  /** Milliseconds since the recording started. */
  time: number;
  side: Side;
  kind: TraceKind;
  /** The helper's id of the socket that did it (stable for the socket's life). */
  socketId: number;
  /** Bytes sent or received, for send and recv (sendto and recvfrom: the datagram's bytes). */
  bytes?: number;
  /** The first few bytes as text, for a label. */
  preview?: string;
  /** A TCP socket's connection (listen: only the local half). */
  fourTuple?: FourTuple;
  /** A UDP socket's own address `[host, port]`: every UDP event has it, no TCP event does. */
  local?: Address;
  /** UDP: where a sendto sent its datagram, or where a recvfrom's datagram came from. */
  peer?: Address;
}

/**
 * What the sockets hand to {@link recordEvent}: the time is filled in by the recording.
 *
 * @example
 * const step: TraceInput = { side: "client", kind: "connect", socketId: 3 };
 */
export type TraceInput = Omit<TraceEvent, "time">;

/**
 * A recording in progress, from {@link startRecording}.
 *
 * @example
 * const rec = startRecording();
 * rec.events.length; // grows as the sockets work
 * rec.stop();
 */
export interface Recording {
  /** The events so far, oldest first. */
  readonly events: readonly TraceEvent[];
  /** Stops recording and returns every event. */
  stop(): TraceEvent[];
}

const active = new Set<{ start: number; events: TraceEvent[] }>();

/**
 * Starts recording every socket step the helper takes, TCP and UDP, until `stop()` is called.
 *
 * @example
 * import * as tslab from "tslab";
 * import { AF_INET, SOCK_DGRAM, encode, sequenceDiagram, socket, startRecording } from "./src/index";
 * const rec = startRecording();
 * const server = socket(AF_INET, SOCK_DGRAM);
 * await server.bind(["127.0.0.1", 0]);
 * const client = socket(AF_INET, SOCK_DGRAM);
 * await client.sendto(encode("ping"), ["127.0.0.1", server.localPort]);
 * await server.recvfrom(1024, { timeout: 1000 });
 * await client.close();
 * await server.close();
 * tslab.display.svg(sequenceDiagram(rec.stop()));
 */
export function startRecording(): Recording {
  const state = { start: performance.now(), events: [] as TraceEvent[] };
  active.add(state);
  return {
    get events() {
      return state.events;
    },
    stop() {
      active.delete(state);
      return state.events.slice();
    },
  };
}

/**
 * Records every socket step taken while `session` runs, and returns the events, also when the
 * session throws (then the error is rethrown and the events are lost with it: use
 * {@link startRecording} to keep them).
 *
 * @example
 * import * as tslab from "tslab";
 * import { recordSession, sequenceDiagram, startEchoServer, echoOnce } from "./src/index";
 * const events = await recordSession(async () => {
 *   const server = await startEchoServer();
 *   await echoOnce(["127.0.0.1", server.port], "hello");
 *   await server.close();
 * });
 * tslab.display.svg(sequenceDiagram(events));
 */
export async function recordSession(session: () => Promise<unknown>): Promise<TraceEvent[]> {
  const rec = startRecording();
  try {
    await session();
  } finally {
    rec.stop();
  }
  return rec.events.slice();
}

/**
 * Internal: whether a recording is running. The sockets check it before building an event, so
 * that send and recv (and sendto and recvfrom) pay nothing for tracing when nobody records (a
 * byte preview and a 4-tuple per call cost an echo server about a fifth of its round trips).
 *
 * @example
 * if (isRecording()) recordEvent({ side: "client", kind: "send", socketId: 1, bytes: 5 });
 */
export function isRecording(): boolean {
  return active.size > 0;
}

/**
 * Internal: called by the sockets at each step. Costs nothing when no recording is running.
 *
 * @example
 * recordEvent({ side: "server", kind: "listen", socketId: this.id, fourTuple: this.fourTuple });
 */
export function recordEvent(input: TraceInput): void {
  if (active.size === 0) return;
  const now = performance.now();
  for (const state of active) {
    state.events.push({ ...input, time: now - state.start });
  }
}
