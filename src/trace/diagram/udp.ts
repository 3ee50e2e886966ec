/**
 * Datagram (UDP) sockets in a sequence diagram: a lane per socket, named by its own address, and
 * one arrow per datagram from its sendto to the recvfrom that returned it. There is no connection
 * to draw: no connect, accept or end of stream.
 */

import { byteCount } from "../../sockets/bytes";
import type { TraceEvent } from "../recording";
import type { Arrow, Lane, Placed } from "./model";
import { endpoint, quote } from "./text";

/**
 * Lanes for UDP: one per socket, named by its own address (there is no connection to name), and
 * one per address that datagrams went to where no recorded socket was.
 */
export function udpLanes() {
  const servers: Lane[] = [];
  const clients: Lane[] = [];
  const bySocket = new Map<number, Lane>();
  /** Each port's sockets, with the time each was first seen. */
  const byPort = new Map<number, { lane: Lane; since: number }[]>();
  const socket = (e: TraceEvent): Lane => {
    let lane = bySocket.get(e.socketId);
    if (lane === undefined) {
      const [host, port] = e.local ?? ["", 0];
      const heading = `UDP ${e.side}`;
      const label = endpoint(host, port);
      lane = { key: `udp #${e.socketId}`, role: e.side, heading, label, udp: "socket", x: 0 };
      bySocket.set(e.socketId, lane);
      (e.side === "server" ? servers : clients).push(lane);
      byPort.set(port, [...(byPort.get(port) ?? []), { lane, since: e.time }]);
    }
    return lane;
  };
  const addresses = new Map<string, Lane>();
  /** The socket that held the port then (the last one seen before), else the address's own lane. */
  const addressed = ([host, port]: [string, number], time: number): Lane => {
    const holders = byPort.get(port) ?? [];
    const holder = holders.filter((h) => h.since <= time).pop() ?? holders[0];
    if (holder !== undefined) return holder.lane;
    const label = endpoint(host, port);
    let lane = addresses.get(label);
    if (lane === undefined) {
      const heading = "no socket recorded";
      lane = { key: `udp ${label}`, role: "server", heading, label, udp: "address", x: 0 };
      addresses.set(label, lane);
      servers.push(lane);
    }
    return lane;
  };
  return { servers, clients, socket, addressed };
}

/**
 * One arrow per UDP datagram, from its sendto to the recvfrom that returned it: the first one not
 * yet matched on the socket with the destination's port, from the sender's port, with the same
 * bytes (or their start, when recvfrom cut the datagram). Datagrams on loopback arrive in order
 * or not at all, so a lost one only leaves its own arrow unmatched. An unmatched datagram ends
 * flat on the lane of the address it was sent to.
 */
export function matchDatagrams(placed: Placed[], previewLength: number): Arrow[] {
  const arrows: Arrow[] = [];
  const recvs = placed.filter((p) => p.event.kind === "recvfrom" && p.event.peer !== undefined);
  const taken = new Set<Placed>();
  for (const p of placed) {
    const sent = p.event;
    if (sent.kind !== "sendto" || sent.local === undefined || sent.peer === undefined) continue;
    const [fromPort, toPort] = [sent.local[1], sent.peer[1]];
    const to = recvs.find(
      (r) =>
        !taken.has(r) &&
        r.event.local?.[1] === toPort &&
        r.event.peer?.[1] === fromPort &&
        sameDatagram(sent, r.event),
    );
    if (to !== undefined) taken.add(to);
    const preview = sent.preview !== undefined ? ` ${quote(sent.preview, previewLength)}` : "";
    arrows.push({
      from: p,
      to,
      kind: "data",
      datagram: true,
      label: `${byteCount(sent.bytes ?? 0)}${preview}`,
      toServer: (to?.lane ?? p.toLane)?.role === "server",
    });
  }
  return arrows;
}

/** Whether a recvfrom's bytes can be that sendto's datagram: the same, or its start if cut. */
function sameDatagram(sent: TraceEvent, received: TraceEvent): boolean {
  const [n, m] = [sent.bytes ?? 0, received.bytes ?? 0];
  const [a, b] = [sent.preview ?? "", received.preview ?? ""];
  if (m === n) return a === b;
  if (m > n) return false;
  // Cut short: its preview starts the sent one's, but for a character the cut may have split.
  const start = Array.from(b.endsWith("…") ? b.slice(0, -1) : b)
    .slice(0, -1)
    .join("");
  return a.startsWith(start);
}
