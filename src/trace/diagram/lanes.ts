/**
 * Which lane each recorded event is drawn on: one lane per server (per listening port), one per
 * client connection (named by the client's address and port, the part of the 4-tuple that tells
 * connections apart), and for UDP one per socket (see ./udp).
 */

import type { FourTuple, TraceEvent } from "../recording";
import type { Lane, Placed } from "./model";
import { endpoint } from "./text";
import { udpLanes } from "./udp";

/** The server's and the client's ends of an event's connection, whichever side recorded it. */
function ends(event: TraceEvent): { server?: string; serverHost?: string; client?: string } {
  const t: FourTuple | undefined = event.fourTuple;
  if (t === undefined) return {};
  const local = { host: t.localAddress, port: t.localPort };
  const remote = { host: t.remoteAddress, port: t.remotePort };
  const [server, client] = event.side === "server" ? [local, remote] : [remote, local];
  const has = (e: { host: string; port: number }) =>
    typeof e.port === "number" && e.port > 0 && typeof e.host === "string" && e.host !== "";
  return {
    // Keyed by port alone: a server listening on all interfaces (0.0.0.0) and its connections
    // (127.0.0.1) are the same server, and the lecture's point is that the port names the process.
    server: has(server) ? String(server.port) : undefined,
    serverHost: has(server) ? endpoint(server.host, server.port) : undefined,
    client: has(client) ? endpoint(client.host, client.port) : undefined,
  };
}

/** The events in time order, each on its lane, and the lanes from left to right. */
export function placeEvents(events: readonly TraceEvent[]): { placed: Placed[]; lanes: Lane[] } {
  // What each socket is known to be, from any of its events that carries a 4-tuple.
  const known = new Map<number, { server?: string; client?: string }>();
  const serverNames = new Map<string, string>();
  for (const e of events) {
    const end = ends(e);
    const info = known.get(e.socketId) ?? {};
    if (end.server !== undefined && end.serverHost !== undefined) {
      info.server ??= end.server;
      // The server's own view of its address wins over what a client connected to.
      if (!serverNames.has(end.server) || e.side === "server") {
        serverNames.set(end.server, end.serverHost);
      }
    }
    if (end.client !== undefined) info.client ??= end.client;
    known.set(e.socketId, info);
  }

  const serverLanes = new Map<string, Lane>();
  const clientLanes = new Map<string, Lane>();
  const serverLane = (key: string | undefined): Lane => {
    // A server socket we know nothing about (a listener without address) joins the only server.
    const k = key ?? (serverLanes.size === 1 ? [...serverLanes.keys()][0] : "?");
    let lane = serverLanes.get(k);
    if (lane === undefined) {
      const label = serverNames.get(k) ?? "";
      lane = { key: `server ${k}`, role: "server", heading: "server", label, x: 0 };
      serverLanes.set(k, lane);
    }
    return lane;
  };
  const clientLane = (key: string): Lane => {
    let lane = clientLanes.get(key);
    if (lane === undefined) {
      const label = key.startsWith("#") ? `socket ${key}` : key;
      lane = { key: `client ${key}`, role: "client", heading: "client", label, x: 0 };
      clientLanes.set(key, lane);
    }
    return lane;
  };

  // Lanes for every known server first, so listeners without an address find theirs.
  for (const e of events) {
    const s = ends(e).server;
    if (s !== undefined) serverLane(s);
  }

  const sorted = events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.time - b.event.time || a.index - b.index);
  const udp = udpLanes();
  const placed: Placed[] = sorted.map(({ event, index }) => {
    if (event.local !== undefined) return { event, index, lane: udp.socket(event), row: 0 };
    const info = known.get(event.socketId) ?? {};
    const lane =
      event.side === "server"
        ? serverLane(info.server)
        : clientLane(info.client ?? `#${event.socketId}`);
    return { event, index, lane, client: info.client, server: info.server, row: 0 };
  });
  for (const p of placed) {
    if (p.event.kind === "sendto" && p.event.peer !== undefined) {
      p.toLane = udp.addressed(p.event.peer, p.event.time);
    }
  }
  return {
    placed,
    lanes: [...serverLanes.values(), ...udp.servers, ...clientLanes.values(), ...udp.clients],
  };
}
