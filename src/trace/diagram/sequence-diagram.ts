/**
 * Drawing a recorded session (see ../recording) as an SVG sequence diagram: one lane for the server,
 * one per client connection, one per UDP socket, time running downwards, an arrow for every `send`
 * and every datagram.
 *
 * The function is pure: events in, SVG text out. A notebook shows it with
 * `tslab.display.svg(...)`; a test parses it as XML. Nothing here touches a socket.
 *
 * One step per file, in the order they run:
 *
 * ```
 * lanes     a lane for each event: a server, a client connection (by its 4-tuple),
 *           a UDP socket (udp)
 * tcp       arrows of the byte streams: send to recv, close to the end of stream
 * udp       arrows of the datagrams: sendto to recvfrom
 * rows      one row per step, in time order
 * layout    lane widths, where rows, arrows and labels go (an empty row where a mark
 *           needs room)
 * marks     each mark's box on its lane or beside it, clear of the arrows
 * svg       the SVG text; labels says the words, text escapes them
 * ```
 */

import type { TraceEvent } from "../recording";
import { summary } from "./labels";
import { placeEvents } from "./lanes";
import { layOut } from "./layout";
import { orderRows } from "./rows";
import { drawDiagram } from "./svg";
import { matchArrows } from "./tcp";
import { matchDatagrams } from "./udp";

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

/**
 * Draws recorded socket events as an SVG sequence diagram.
 *
 * - One lane for the server (per listening port) and one per client connection, named by the
 *   client's address and port: the part of the 4-tuple that tells connections apart, so several
 *   clients of one server each get their own lane.
 * - Time runs downwards, one row per step, in the order they happened.
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
 *   Where an arrow crosses the lane so that neither place is clear (another client's answer on
 *   its way past a middle lane), an empty row above or below the step moves them apart.
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
  const layout = layOut(placed, lanes, arrows, {
    laneWidth: options.laneWidth,
    rowHeight,
    showTimes,
  });
  const title = options.title ?? summary(lanes, arrows);
  return drawDiagram(placed, lanes, arrows, layout, { title, showTimes });
}
