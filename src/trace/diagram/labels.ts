/**
 * What a sequence diagram says in words: the label of each step (a mark's box, a recv's note),
 * the one-line title, and the step-by-step description a screen reader reads.
 */

import { byteCount } from "../../sockets/bytes";
import type { Arrow, Lane, Placed } from "./model";
import { plural } from "./text";

/** The text of a step's box or note; undefined for a send, whose arrow carries the label. */
export function markLabel(p: Placed): string | undefined {
  const e = p.event;
  const peer = p.lane.role === "server" ? p.client : p.server;
  switch (e.kind) {
    case "bind":
      return "bind";
    case "recvfrom":
      return `recvfrom ${byteCount(e.bytes ?? 0)}`;
    case "sendto":
      return undefined;
    case "listen":
      return "listen";
    case "accept":
      return p.client !== undefined ? `accept ${p.client}` : "accept";
    case "connect":
      return p.client !== undefined && p.server !== undefined
        ? `connect to :${p.server}`
        : "connect";
    case "shutdown":
      return p.lane.role === "server" && peer !== undefined ? `shutdown (${peer})` : "shutdown";
    case "close":
      if (p.lane.udp !== undefined) return "close";
      if (p.lane.role === "server") {
        return peer !== undefined ? `close (${peer})` : "close listener";
      }
      return "close";
    case "recv":
      return (e.bytes ?? 0) > 0 ? `recv ${byteCount(e.bytes ?? 0)}` : "recv: end of stream";
    case "unrecv":
      return `put back ${byteCount(e.bytes ?? 0)}`;
    case "send":
      return undefined;
    default:
      return String(e.kind);
  }
}

/** The default title: how many servers, connections, sends, UDP sockets and datagrams. */
export function summary(lanes: Lane[], arrows: Arrow[]): string {
  const carried = (sends: Arrow[]) => sends.reduce((sum, a) => sum + (a.from.event.bytes ?? 0), 0);
  const parts: string[] = [];
  const udpSockets = lanes.filter((l) => l.udp === "socket").length;
  const tcp = lanes.filter((l) => l.udp === undefined);
  if (tcp.length > 0 || udpSockets === 0) {
    const servers = tcp.filter((l) => l.role === "server").length;
    const clients = tcp.length - servers;
    const data = arrows.filter((a) => a.kind === "data" && !a.datagram);
    parts.push(
      `${plural(servers, "server")}, ${plural(clients, "client connection")}, ${plural(data.length, "send")} carrying ${byteCount(carried(data))}`,
    );
  }
  if (udpSockets > 0) {
    const datagrams = arrows.filter((a) => a.datagram);
    parts.push(
      `${plural(udpSockets, "UDP socket")}, ${plural(datagrams.length, "datagram")} carrying ${byteCount(carried(datagrams))}`,
    );
  }
  return `Sequence diagram: ${parts.join("; ")}`;
}

/** Every step in row order, as "who: what", for the SVG's `<desc>`. */
export function describeSession(placed: Placed[], arrows: Arrow[]): string {
  const lines: string[] = [];
  const arrowOf = new Map<Placed, Arrow>();
  for (const a of arrows) if (a.kind === "data") arrowOf.set(a.from, a);
  for (const p of placed) {
    const who = `${p.lane.role} ${p.lane.label}`.trim();
    const arrow = arrowOf.get(p);
    const sent =
      arrow === undefined
        ? undefined
        : arrow.datagram
          ? `sendto ${arrow.label} to ${arrow.to?.lane.label ?? p.toLane?.label ?? "?"}`
          : `send ${arrow.label}`;
    lines.push(`${who}: ${sent ?? markLabel(p) ?? p.event.kind}`);
  }
  return lines.join("; ");
}
