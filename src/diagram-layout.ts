/**
 * The geometry of a sequence diagram: how wide the lanes are and where they stand, the height of
 * each row, where each arrow and its label run, and where each mark's box goes (on its lane, or
 * beside it where an arrow would run under it).
 */

import { markLabel } from "./diagram-labels";
import { type Arrow, isStep, type Lane, type Placed } from "./diagram-model";
import { CHAR_WIDTH, FONT_SIZE } from "./diagram-style";

/** The sizes a caller may set (see SequenceDiagramOptions). */
export interface LayoutOptions {
  /** At least this distance between lanes; the labels may need more. */
  laneWidth?: number;
  rowHeight: number;
  /** Leave a column on the left for each step's time. */
  showTimes: boolean;
}

/** Where everything goes. Lanes get their `x` as a side effect of {@link layOut}. */
export interface Layout {
  width: number;
  height: number;
  /** The lane heads end here; the lanes' dashed lines start here. */
  headHeight: number;
  laneWidth: number;
  /** The right edge of the time column's text. */
  timeX: number;
  /** The middle of a step's row. */
  yOf: (p: Placed) => number;
  /** Each arrow's line and label, in the order of the arrows; undefined if it has no lane to go to. */
  shapes: (ArrowShape | undefined)[];
  /** Each labelled mark's box. */
  boxes: Map<Placed, MarkBox>;
}

/**
 * Lays out placed and ordered steps: lanes wide enough for their labels, one row per step, the
 * marks' boxes clear of the arrows, and margins for whatever hangs beyond the outer lanes.
 */
export function layOut(
  placed: Placed[],
  lanes: Lane[],
  arrows: Arrow[],
  options: LayoutOptions,
): Layout {
  const { rowHeight, showTimes } = options;
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
  return {
    width: Math.max(gutter + lanes.length * laneWidth + overhang + 20, 320),
    height: top + Math.max(placed.length, 1) * rowHeight + 20,
    headHeight,
    laneWidth,
    timeX: gutter - overhang - 8,
    yOf,
    shapes: arrows.map((a) => arrowShape(a, yOf, lanesOpposite(a, lanes))),
    boxes,
  };
}

/** The lane an arrow ends on: its recv's, else the lane of the peer it was sent to. */
function lanesOpposite(arrow: Arrow, lanes: Lane[]): Lane | undefined {
  if (arrow.to !== undefined) return arrow.to.lane;
  const p = arrow.from;
  if (arrow.datagram) return p.toLane;
  if (p.lane.role === "server") return lanes.find((l) => l.key === `client ${p.client}`);
  return lanes.find((l) => l.key === `server ${p.server}`);
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

/** Where a mark's box goes: on its lane or beside it (`dx`: from the lane to its left edge). */
export interface MarkBox {
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
