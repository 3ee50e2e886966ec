/**
 * Writing a laid-out sequence diagram as SVG: the lane heads and their dashed lines, the time
 * column, each arrow with its head and label, each step's dot and note, each mark's box.
 */

import { describeSession, markLabel } from "./labels";
import type { Layout } from "./layout";
import { type Arrow, type ArrowShape, isStep, type Lane, type Placed } from "./model";
import { COLOURS, FONT, FONT_SIZE, HALO } from "./style";
import { escapeXml, formatTime, round } from "./text";

/** The SVG document of a laid-out session (see ./layout). */
export function drawDiagram(
  placed: Placed[],
  lanes: Lane[],
  arrows: Arrow[],
  layout: Layout,
  options: { title: string; showTimes: boolean },
): string {
  const { width, height, headHeight, laneWidth, yOf, boxes } = layout;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="${FONT}" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(options.title)}</title>`,
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

  if (options.showTimes) {
    for (const p of placed) {
      out.push(
        `<text class="time" x="${layout.timeX}" y="${yOf(p) + 4}" text-anchor="end" fill="${COLOURS.lane}">${formatTime(p.event.time)}</text>`,
      );
    }
  }

  for (const shape of layout.shapes) out.push(drawArrow(shape));
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
