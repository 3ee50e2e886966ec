/**
 * Drawing a recorded session (see ./trace) as an SVG sequence diagram: one lane for the server,
 * one per client connection, one per UDP socket, time running downwards, an arrow for every `send`
 * and every datagram.
 *
 * The function is pure: events in, SVG text out. A notebook shows it with
 * `tslab.display.svg(...)`; a test parses it as XML. Nothing here touches a socket.
 */

import type { FourTuple, TraceEvent } from "./trace";

/**
 * Options for {@link sequenceDiagram}.
 *
 * @example
 * sequenceDiagram(events, { title: "Two clients, one server", showTimes: true, previewLength: 24 });
 */
export interface SequenceDiagramOptions {
  /** The diagram's accessible title (the SVG `<title>`). Default: a one-line summary. */
  title?: string;
  /** At most this many characters of each message preview are shown. Default 16. */
  previewLength?: number;
  /**
   * Show each step's time (ms since the recording started) in a left column. Default false:
   * times change from run to run, and a lesson's saved output should not.
   */
  showTimes?: boolean;
  /** Horizontal distance between lanes, in pixels. Default: wide enough for the labels (>= 200). */
  laneWidth?: number;
  /** Vertical distance between steps, in pixels. Default 30. */
  rowHeight?: number;
}

/** Where an event is drawn and which connection it belongs to. */
interface Placed {
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

interface Lane {
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

interface Arrow {
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

const FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
const FONT_SIZE = 12;
/** Width of one character of FONT at FONT_SIZE, generously rounded up: used to size boxes. */
const CHAR_WIDTH = 7.4;
const COLOURS = {
  background: "#ffffff",
  text: "#1b1b1b",
  lane: "#8a8a8a",
  box: "#f2f2f2",
  toServer: "#1f5fbf",
  toClient: "#b0470b",
  fin: "#555555",
};

/**
 * Draws recorded socket events as an SVG sequence diagram.
 *
 * - One lane for the server (per listening port) and one per client connection, named by the
 *   client's address and port: the part of the 4-tuple that tells connections apart, so several
 *   clients of one server each get their own lane.
 * - Time runs downwards, one row per step.
 * - Each `send` is an arrow labelled with its byte count and a short preview. It ends at the
 *   `recv` on the other side that took its last byte: several sends arriving in one recv, or one
 *   send read by several recvs, show TCP as the byte stream it is. A send nobody was recorded
 *   receiving ends flat on the other lane.
 * - A dashed "end of stream" arrow goes from a `close` or `shutdown` to the peer's `recv` that
 *   returned no bytes.
 * - UDP: one lane per datagram socket, named by its own address (a socket that called bind is a
 *   "UDP server", one bound by its first sendto a "UDP client"). Each `sendto` is one arrow to the
 *   `recvfrom` that returned that datagram; there is no connect, accept or end of stream to draw.
 *   A datagram nobody was recorded receiving ends flat on the lane of the address it went to.
 * - `bind`, `listen`, `accept`, `connect`, `shutdown` and `close` are labelled boxes on their
 *   lane, or beside it, tied to it by a short line, where an arrow would otherwise run under it.
 *
 * The SVG has a white background of its own (readable on light and dark pages), `width`,
 * `height` and a `viewBox`, and a `<title>` for screen readers. Every piece of text from the
 * events is escaped: a preview of `<script>` is shown as those characters, never run.
 *
 * @param events - What `startRecording().stop()` returned.
 * @param options - Title, preview length, time column, spacing.
 * @returns The SVG document as a string.
 *
 * @example
 * import * as tslab from "tslab";
 * import { startRecording, sequenceDiagram, echoOnce, startEchoServer } from "./src/index";
 * const rec = startRecording();
 * const server = await startEchoServer({ port: 0 });
 * await echoOnce(["127.0.0.1", server.port], "hello");
 * await server.close();
 * tslab.display.svg(sequenceDiagram(rec.stop()));
 */
export function sequenceDiagram(
  events: readonly TraceEvent[],
  options: SequenceDiagramOptions = {},
): string {
  const previewLength = Math.max(1, Math.floor(options.previewLength ?? 16));
  const rowHeight = Math.max(20, options.rowHeight ?? 30);
  const showTimes = options.showTimes === true;

  const { placed, lanes } = placeEvents(events);
  const arrows = [...matchArrows(placed, previewLength), ...matchDatagrams(placed, previewLength)];
  orderRows(placed, arrows);

  const px = (text: string) => Math.ceil(text.length * CHAR_WIDTH);
  const widest = (texts: string[]) => Math.max(0, ...texts.map(px));
  const marks = placed.filter((p) => !isStep(p));
  const stepLabels = placed.filter((p) => isStep(p)).map((p) => markLabel(p) ?? "");
  const laneWidth = Math.max(
    options.laneWidth ?? 0,
    200,
    widest(marks.map((p) => markLabel(p) ?? "")) + 30,
    widest(lanes.flatMap((l) => [l.heading, l.label])) + 40,
    widest(arrows.map((a) => a.label)) + 40,
  );
  const headHeight = 54;
  const top = headHeight + 20;
  const yOf = (p: Placed) => top + p.row * rowHeight + rowHeight / 2;
  // Lanes first at their places relative to the first one: the marks are placed clear of the
  // arrows, and where they then hang beside the outer lanes decides the margins.
  lanes.forEach((lane, i) => {
    lane.x = laneWidth / 2 + i * laneWidth;
  });
  const boxes = placeMarks(
    marks,
    arrows.map((a) => arrowShape(a, yOf, lanesOpposite(a, lanes))),
    yOf,
  );
  const first = lanes[0]?.x ?? 0;
  const last = lanes[lanes.length - 1]?.x ?? 0;
  const beyond = [...boxes].map(([p, box]) =>
    Math.max(
      first - laneWidth / 2 - (p.lane.x + box.dx),
      p.lane.x + box.dx + box.width - (last + laneWidth / 2),
    ),
  );
  // recv labels hang beside their lane, outwards: room for them beyond the first and last lane.
  const overhang = Math.max(0, widest(stepLabels) + 14 - laneWidth / 2, ...beyond);
  const gutter = (showTimes ? 80 : 20) + overhang;
  for (const lane of lanes) lane.x += gutter;
  const width = Math.max(gutter + lanes.length * laneWidth + overhang + 20, 320);
  const height = top + Math.max(placed.length, 1) * rowHeight + 20;

  const title = options.title ?? summary(lanes, arrows);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="${FONT}" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(title)}</title>`,
    `<desc>${escapeXml(describeSession(placed, arrows))}</desc>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="${COLOURS.background}"/>`,
  );

  if (placed.length === 0) {
    out.push(
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="${COLOURS.text}">no socket events were recorded</text>`,
      "</svg>",
    );
    return out.join("\n");
  }

  for (const lane of lanes) {
    const boxWidth = laneWidth - 24;
    const [role, where] = [lane.heading, lane.label];
    const udp = lane.udp !== undefined ? " lane-udp" : "";
    out.push(
      `<g class="lane lane-${lane.role}${udp}" data-lane="${escapeXml(lane.key)}">`,
      `<line x1="${lane.x}" y1="${headHeight}" x2="${lane.x}" y2="${height - 10}" stroke="${COLOURS.lane}" stroke-dasharray="4 4"/>`,
      `<rect x="${lane.x - boxWidth / 2}" y="10" width="${boxWidth}" height="${headHeight - 10}" rx="4" fill="${COLOURS.box}" stroke="${COLOURS.text}"/>`,
      `<text x="${lane.x}" y="28" text-anchor="middle" font-weight="bold" fill="${COLOURS.text}">${role}</text>`,
      `<text x="${lane.x}" y="45" text-anchor="middle" fill="${COLOURS.text}">${escapeXml(where)}</text>`,
      "</g>",
    );
  }

  if (showTimes) {
    for (const p of placed) {
      out.push(
        `<text class="time" x="${gutter - overhang - 8}" y="${yOf(p) + 4}" text-anchor="end" fill="${COLOURS.lane}">${formatTime(p.event.time)}</text>`,
      );
    }
  }

  for (const arrow of arrows)
    out.push(drawArrow(arrowShape(arrow, yOf, lanesOpposite(arrow, lanes))));
  const arrivals = new Map(arrows.map((a) => [a.to, a]));

  for (const p of placed) {
    const label = markLabel(p);
    const y = yOf(p);
    if (isStep(p)) {
      out.push(
        `<circle class="step step-${p.event.kind}" cx="${p.lane.x}" cy="${y}" r="3" fill="${COLOURS.text}"/>`,
      );
      if (label !== undefined) {
        // A recv's label goes on the side away from the lane the data came from (a TCP server's
        // clients are all to its right; a datagram may come from either side).
        const from = p.event.kind === "recvfrom" ? arrivals.get(p)?.from.lane : undefined;
        const leftward = from !== undefined ? from.x > p.lane.x : p.lane.role === "server";
        const dx = leftward ? -8 : 8;
        out.push(
          `<text class="step-label" x="${p.lane.x + dx}" y="${y + 4}" text-anchor="${leftward ? "end" : "start"}" fill="${COLOURS.text}" ${HALO}>${escapeXml(label)}</text>`,
        );
      }
      continue;
    }
    const box = boxes.get(p);
    if (label === undefined || box === undefined) continue;
    const x = p.lane.x + box.dx;
    // A box moved beside its lane keeps a short line to it, to show whose step it is.
    const tie =
      box.side === "left"
        ? `<line x1="${round(x + box.width)}" y1="${y}" x2="${p.lane.x}" y2="${y}" stroke="${COLOURS.text}"/>`
        : box.side === "right"
          ? `<line x1="${p.lane.x}" y1="${y}" x2="${round(x)}" y2="${y}" stroke="${COLOURS.text}"/>`
          : "";
    out.push(
      `<g class="mark mark-${p.event.kind} mark-${box.side}">`,
      ...(tie === "" ? [] : [tie]),
      `<rect x="${round(x)}" y="${y - 10}" width="${round(box.width)}" height="20" rx="3" fill="${COLOURS.background}" stroke="${COLOURS.text}"/>`,
      `<text x="${round(x + box.width / 2)}" y="${y + 4}" text-anchor="middle" fill="${COLOURS.text}">${escapeXml(label)}</text>`,
      "</g>",
    );
  }

  out.push("</svg>");
  return out.join("\n");
}

/** A white outline behind label text, so a label stays readable where it crosses a line. */
const HALO = `paint-order="stroke" stroke="${COLOURS.background}" stroke-width="4" stroke-linejoin="round"`;

function endpoint(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

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

function placeEvents(events: readonly TraceEvent[]): { placed: Placed[]; lanes: Lane[] } {
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

/**
 * Lanes for UDP: one per socket, named by its own address (there is no connection to name), and
 * one per address that datagrams went to where no recorded socket was.
 */
function udpLanes() {
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

function matchArrows(placed: Placed[], previewLength: number): Arrow[] {
  const arrows: Arrow[] = [];
  // One byte stream per connection and direction: the sends on one end, the recvs on the other.
  interface Stream {
    toServer: boolean;
    sends: Placed[];
    recvs: Placed[];
    /** The first shutdown or close on the sending end: it ends the stream. */
    closer?: Placed;
    /** The first recv on the receiving end that returned no bytes. */
    eof?: Placed;
  }
  const streams = new Map<string, Stream>();
  const stream = (p: Placed, toServer: boolean): Stream => {
    const key = `${p.client}|${p.server}|${toServer ? ">" : "<"}`;
    let s = streams.get(key);
    if (s === undefined) {
      s = { toServer, sends: [], recvs: [] };
      streams.set(key, s);
    }
    return s;
  };
  for (const p of placed) {
    if (p.client === undefined) continue;
    const fromClient = p.event.side === "client";
    const kind = p.event.kind;
    if (kind === "send") stream(p, fromClient).sends.push(p);
    else if (kind === "recv") {
      const s = stream(p, !fromClient);
      if ((p.event.bytes ?? 0) > 0) s.recvs.push(p);
      else s.eof ??= p;
    } else if (kind === "unrecv") {
      stream(p, !fromClient).recvs.push(p);
    } else if (kind === "shutdown" || kind === "close") {
      const s = stream(p, fromClient);
      s.closer ??= p;
    }
  }

  for (const s of streams.values()) {
    const toServer = s.toServer;
    // Byte offsets where each recv's bytes end in the stream. Bytes put back (unrecv) are
    // received again later: the offset steps back, and the first recv that reached an offset is
    // where those bytes came off the network.
    const recvEnds: number[] = [];
    let received = 0;
    for (const r of s.recvs) {
      const n = r.event.bytes ?? 0;
      received += r.event.kind === "unrecv" ? -n : n;
      recvEnds.push(r.event.kind === "unrecv" ? -1 : received);
    }
    let sent = 0;
    for (const p of s.sends) {
      const n = p.event.bytes ?? 0;
      sent += n;
      // The recv that took this send's last byte; a zero-byte send has none.
      const i = n > 0 ? recvEnds.findIndex((end) => end >= sent) : -1;
      const to = i >= 0 ? s.recvs[i] : undefined;
      const preview =
        p.event.preview !== undefined ? ` ${quote(p.event.preview, previewLength)}` : "";
      arrows.push({ from: p, to, kind: "data", label: `${bytesText(n)}${preview}`, toServer });
    }
    if (s.closer !== undefined && s.eof !== undefined) {
      arrows.push({
        from: s.closer,
        to: s.eof,
        kind: "fin",
        label: "end of stream (FIN)",
        toServer,
      });
    }
  }
  return arrows;
}

/**
 * One arrow per UDP datagram, from its sendto to the recvfrom that returned it: the first one not
 * yet matched on the socket with the destination's port, from the sender's port, with the same
 * bytes (or their start, when recvfrom cut the datagram). Datagrams on loopback arrive in order
 * or not at all, so a lost one only leaves its own arrow unmatched. An unmatched datagram ends
 * flat on the lane of the address it was sent to.
 */
function matchDatagrams(placed: Placed[], previewLength: number): Arrow[] {
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
      label: `${bytesText(sent.bytes ?? 0)}${preview}`,
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

/**
 * Rows follow time, except that a sender is never drawn below what its peer received: the two
 * ends record their steps independently, and a recv can be noted a moment before the send that
 * fed it has finished.
 */
function orderRows(placed: Placed[], arrows: Arrow[]): void {
  const position = new Map<Placed, number>();
  placed.forEach((p, i) => {
    position.set(p, i);
  });
  const key = new Map<Placed, number>();
  for (const p of placed) key.set(p, position.get(p) ?? 0);
  for (const a of arrows) {
    if (a.to === undefined) continue;
    const target = (position.get(a.to) ?? 0) - 0.5;
    if ((key.get(a.from) ?? 0) > target) key.set(a.from, target);
  }
  placed.sort((a, b) => (key.get(a) ?? 0) - (key.get(b) ?? 0) || a.index - b.index);
  placed.forEach((p, i) => {
    p.row = i;
  });
}

/** Data steps are dots on the lane (with arrows); the others are labelled boxes. */
function isStep(p: Placed): boolean {
  const kind = p.event.kind;
  return (
    kind === "send" ||
    kind === "recv" ||
    kind === "unrecv" ||
    kind === "sendto" ||
    kind === "recvfrom"
  );
}

function markLabel(p: Placed): string | undefined {
  const e = p.event;
  const peer = p.lane.role === "server" ? p.client : p.server;
  switch (e.kind) {
    case "bind":
      return "bind";
    case "recvfrom":
      return `recvfrom ${bytesText(e.bytes ?? 0)}`;
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
      return (e.bytes ?? 0) > 0 ? `recv ${bytesText(e.bytes ?? 0)}` : "recv: end of stream";
    case "unrecv":
      return `put back ${bytesText(e.bytes ?? 0)}`;
    case "send":
      return undefined;
    default:
      return String(e.kind);
  }
}

function lanesOpposite(arrow: Arrow, lanes: Lane[]): Lane | undefined {
  if (arrow.to !== undefined) return arrow.to.lane;
  const p = arrow.from;
  if (arrow.datagram) return p.toLane;
  if (p.lane.role === "server") return lanes.find((l) => l.key === `client ${p.client}`);
  return lanes.find((l) => l.key === `server ${p.server}`);
}

/** Where an arrow is drawn: its line (ending short of the lane) and its label's box. */
interface ArrowShape {
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

function arrowShape(
  arrow: Arrow,
  yOf: (p: Placed) => number,
  target: Lane | undefined,
): ArrowShape | undefined {
  if (target === undefined) return undefined;
  const x1 = arrow.from.lane.x;
  const y1 = yOf(arrow.from);
  const tx = target.x;
  const ty = arrow.to !== undefined ? yOf(arrow.to) : y1;
  const len = Math.hypot(tx - x1, ty - y1) || 1;
  const rightward = tx >= x1;
  // The label sits just above the arrow's start: every send has a row of its own, so labels of
  // arrows that converge on one recv never overlap.
  return {
    arrow,
    x1,
    y1,
    x2: tx - ((tx - x1) / len) * 4,
    y2: ty - ((ty - y1) / len) * 4,
    rightward,
    lx: x1 + (rightward ? 10 : -10),
    ly: y1 - 7,
  };
}

function drawArrow(shape: ArrowShape | undefined): string {
  if (shape === undefined) return "";
  const { arrow, x1, y1, x2: ex, y2: ey, rightward, lx, ly } = shape;
  const colour =
    arrow.kind === "fin" ? COLOURS.fin : arrow.toServer ? COLOURS.toServer : COLOURS.toClient;
  const len = Math.hypot(ex - x1, ey - y1) || 1;
  const ux = (ex - x1) / len;
  const uy = (ey - y1) / len;
  const head = [
    [ex, ey],
    [ex - ux * 9 - uy * 4, ey - uy * 9 + ux * 4],
    [ex - ux * 9 + uy * 4, ey - uy * 9 - ux * 4],
  ]
    .map(([x, y]) => `${round(x)},${round(y)}`)
    .join(" ");
  const dashed = arrow.kind === "fin" ? ' stroke-dasharray="6 4"' : "";
  const delivered = arrow.to !== undefined ? "delivered" : "unmatched";
  const kind = arrow.datagram ? `${arrow.kind} datagram` : arrow.kind;
  return [
    // data-from/data-to: the rows (steps, from 0) the arrow joins, for tests and for scripts.
    `<g class="arrow ${kind} ${delivered}" data-bytes="${arrow.kind === "data" ? (arrow.from.event.bytes ?? 0) : 0}" data-from="${arrow.from.row}" data-to="${arrow.to?.row ?? arrow.from.row}">`,
    `<title>${escapeXml(arrow.label)}</title>`,
    `<line x1="${round(x1)}" y1="${round(y1)}" x2="${round(ex)}" y2="${round(ey)}" stroke="${colour}" stroke-width="1.5"${dashed}/>`,
    `<polygon points="${head}" fill="${colour}"/>`,
    // The end of stream needs no text of its own: the "recv: end of stream" it points at says it.
    arrow.kind === "data"
      ? `<text x="${round(lx)}" y="${round(ly)}" text-anchor="${rightward ? "start" : "end"}" fill="${colour}" ${HALO}>${escapeXml(arrow.label)}</text>`
      : "",
    "</g>",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** Where a mark's box goes: on its lane or beside it (`dx`: from the lane to its left edge). */
interface MarkBox {
  side: "centre" | "left" | "right";
  dx: number;
  width: number;
}

/**
 * A mark's box is centred on its lane unless an arrow would run under it: an echo server's close
 * comes right after its send, whose arrow is still leaving the lane. Then the box goes beside the
 * lane, on the side its recv labels use first, where the fewest arrows pass. Arrows that start or
 * end at the mark itself (a close's end of stream) do not count.
 */
function placeMarks(
  marks: Placed[],
  shapes: (ArrowShape | undefined)[],
  yOf: (p: Placed) => number,
): Map<Placed, MarkBox> {
  const boxes = new Map<Placed, MarkBox>();
  for (const p of marks) {
    const label = markLabel(p);
    if (label === undefined) continue;
    const width = label.length * CHAR_WIDTH + 12;
    const y = yOf(p);
    const centre: MarkBox = { side: "centre", dx: -width / 2, width };
    const left: MarkBox = { side: "left", dx: -MARK_GAP - width, width };
    const right: MarkBox = { side: "right", dx: MARK_GAP, width };
    const choices = p.lane.role === "server" ? [centre, left, right] : [centre, right, left];
    const others = shapes.filter(
      (s): s is ArrowShape => s !== undefined && s.arrow.from !== p && s.arrow.to !== p,
    );
    let best = centre;
    let fewest = Number.POSITIVE_INFINITY;
    for (const box of choices) {
      const area = {
        left: p.lane.x + box.dx,
        right: p.lane.x + box.dx + width,
        top: y - 10,
        bottom: y + 10,
      };
      const crossing = others.filter((s) => arrowCrosses(s, area)).length;
      if (crossing < fewest) [best, fewest] = [box, crossing];
      if (crossing === 0) break;
    }
    boxes.set(p, best);
  }
  return boxes;
}

/** Space between a lane and a mark's box moved beside it. */
const MARK_GAP = 12;

interface Area {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Whether an arrow's line or its label runs through `area`. */
function arrowCrosses(shape: ArrowShape, area: Area): boolean {
  if (segmentCrosses(shape.x1, shape.y1, shape.x2, shape.y2, area)) return true;
  if (shape.arrow.kind !== "data") return false;
  const w = shape.arrow.label.length * CHAR_WIDTH;
  const label = {
    left: shape.rightward ? shape.lx : shape.lx - w,
    right: shape.rightward ? shape.lx + w : shape.lx,
    top: shape.ly - FONT_SIZE,
    bottom: shape.ly + 3,
  };
  return (
    label.left < area.right &&
    label.right > area.left &&
    label.top < area.bottom &&
    label.bottom > area.top
  );
}

/** Whether the segment from (x1, y1) to (x2, y2) passes through `area` (Liang-Barsky clipping). */
function segmentCrosses(x1: number, y1: number, x2: number, y2: number, area: Area): boolean {
  const dx = x2 - x1;
  const dy = y2 - y1;
  let t0 = 0;
  let t1 = 1;
  for (const [p, q] of [
    [-dx, x1 - area.left],
    [dx, area.right - x1],
    [-dy, y1 - area.top],
    [dy, area.bottom - y1],
  ]) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

function summary(lanes: Lane[], arrows: Arrow[]): string {
  const carried = (sends: Arrow[]) => sends.reduce((sum, a) => sum + (a.from.event.bytes ?? 0), 0);
  const parts: string[] = [];
  const udpSockets = lanes.filter((l) => l.udp === "socket").length;
  const tcp = lanes.filter((l) => l.udp === undefined);
  if (tcp.length > 0 || udpSockets === 0) {
    const servers = tcp.filter((l) => l.role === "server").length;
    const clients = tcp.length - servers;
    const data = arrows.filter((a) => a.kind === "data" && !a.datagram);
    parts.push(
      `${plural(servers, "server")}, ${plural(clients, "client connection")}, ${plural(data.length, "send")} carrying ${bytesText(carried(data))}`,
    );
  }
  if (udpSockets > 0) {
    const datagrams = arrows.filter((a) => a.datagram);
    parts.push(
      `${plural(udpSockets, "UDP socket")}, ${plural(datagrams.length, "datagram")} carrying ${bytesText(carried(datagrams))}`,
    );
  }
  return `Sequence diagram: ${parts.join("; ")}`;
}

function describeSession(placed: Placed[], arrows: Arrow[]): string {
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function bytesText(n: number): string {
  const digits = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${digits} ${n === 1 ? "byte" : "bytes"}`;
}

function formatTime(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * A preview as a quoted string with invisible characters made visible (\n, \r, \t, \xNN) and cut
 * to `max` characters. Characters XML cannot hold at all (NUL, lone surrogates) never pass.
 * Backslashes and quotes are left alone: the sockets' previews already write a newline as "\n".
 */
function quote(text: string, max: number): string {
  const chars = Array.from(text);
  const cut = chars.length > max;
  const shown = (cut ? chars.slice(0, max) : chars).map(visible).join("");
  return `"${shown}${cut ? "…" : ""}"`;
}

function visible(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  if (ch === "\t") return "\\t";
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
    return `\\x${code.toString(16).padStart(2, "0")}`;
  }
  // Lone surrogates and the two non-characters are not allowed in XML.
  if ((code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) return "\ufffd";
  return ch;
}

/** Escapes text for XML content and attribute values, dropping what XML 1.0 cannot hold. */
function escapeXml(text: string): string {
  return Array.from(text)
    .map((ch) => {
      switch (ch) {
        case "&":
          return "&amp;";
        case "<":
          return "&lt;";
        case ">":
          return "&gt;";
        case '"':
          return "&quot;";
        case "'":
          return "&apos;";
        default: {
          const code = ch.codePointAt(0) ?? 0;
          const allowed =
            code === 0x9 ||
            code === 0xa ||
            code === 0xd ||
            (code >= 0x20 && code <= 0xd7ff) ||
            (code >= 0xe000 && code <= 0xfffd) ||
            code >= 0x10000;
          return allowed ? ch : "\ufffd";
        }
      }
    })
    .join("");
}
