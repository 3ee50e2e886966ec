/**
 * The geometry of a sequence diagram: how wide the lanes are and where they stand, where each
 * row is (with an empty row where a mark needs room), and where each arrow and its label run. The
 * marks' boxes are placed by ./marks.
 */

import { markLabel } from "./labels";
import { type MarkBox, placeMarks } from "./marks";
import { type Arrow, type ArrowShape, isStep, type Lane, type Placed } from "./model";
import { CHAR_WIDTH } from "./style";

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
  /** The middle of a step's row (rows are `rowHeight` apart, empty rows included). */
  yOf: (p: Placed) => number;
  /** Each arrow's line and label, in the order of the arrows; undefined if it has no lane to go to. */
  shapes: (ArrowShape | undefined)[];
  /** Each labelled mark's box. */
  boxes: Map<Placed, MarkBox>;
}

/**
 * Lays out placed and ordered steps: lanes wide enough for their labels, one row per step (and
 * an empty one where a mark needs room), the marks' boxes clear of the arrows, and margins for
 * whatever hangs beyond the outer lanes.
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
  // Lanes first at their places relative to the first one: the marks are placed clear of the
  // arrows, and where they then hang beside the outer lanes decides the margins.
  lanes.forEach((lane, i) => {
    lane.x = laneWidth / 2 + i * laneWidth;
  });
  // The middle of each step's row, with `gapsAbove[row]` empty rows above it.
  const rowMiddle = (gapsAbove: readonly number[]) => (p: Placed) =>
    top + (p.row + gapsAbove[p.row]) * rowHeight + rowHeight / 2;
  const shapesOf = (yOf: (p: Placed) => number) =>
    arrows.map((a) => arrowShape(a, yOf, lanesOpposite(a, lanes)));
  const { gaps, boxes } = makeRoom(marks, placed.length, (gapsAbove) => {
    const yOf = rowMiddle(gapsAbove);
    return placeMarks(marks, shapesOf(yOf), yOf);
  });
  const yOf = rowMiddle(gaps);
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
  const rows = Math.max(placed.length, 1) + (gaps[placed.length - 1] ?? 0);
  return {
    width: Math.max(gutter + lanes.length * laneWidth + overhang + 20, 320),
    height: top + rows * rowHeight + 20,
    headHeight,
    laneWidth,
    timeX: gutter - overhang - 8,
    yOf,
    shapes: shapesOf(yOf),
    boxes,
  };
}

/** At most this many layouts are tried to make room for marks: a long recording stays quick. */
const ROOM_TRIES = 60;

/**
 * Empty rows for the marks that have no clear place on or beside their lane: a mark on a middle
 * lane can sit where another connection's arrow crosses that lane, slanting so that both sides
 * are crossed too (lesson 08: client 2's close on the answer to client 3). An empty row just
 * above or below such a mark moves it, or the crossing, by part of a row. For each such mark in
 * turn, one or two rows above or below are tried, and kept if fewer marks are then crossed;
 * of those, the one that leaves the mark centred on its lane, then the one with fewer rows.
 * Steps keep their order: only the space between them grows.
 *
 * `place` lays the marks out with the empty rows given (how many lie above each step's row) and
 * says where each box went. Returns those counts (`gaps`) and the boxes.
 */
function makeRoom(
  marks: Placed[],
  steps: number,
  place: (gaps: readonly number[]) => Map<Placed, MarkBox>,
): { gaps: number[]; boxes: Map<Placed, MarkBox> } {
  const crossed = (boxes: Map<Placed, MarkBox>) =>
    marks.filter((p) => (boxes.get(p)?.crossed ?? 0) > 0);
  // added[i]: empty rows added just above step i; gaps[i]: all those above step i.
  const running = (added: number[]) => {
    let sum = 0;
    return added.map((n) => {
      sum += n;
      return sum;
    });
  };
  let added = new Array<number>(steps).fill(0);
  const gaps = running(added);
  let current = { gaps, boxes: place(gaps) };
  let left = crossed(current.boxes);
  let tries = 0;
  search: while (left.length > 0) {
    for (const p of left) {
      // As it is: a try must leave fewer marks crossed to beat it.
      let best = { added, score: [left.length, 0, 0], left, layout: current };
      for (const n of [1, 2]) {
        for (const at of [p.row, p.row + 1]) {
          if (at >= steps || tries >= ROOM_TRIES) continue;
          tries++;
          const more = added.slice();
          more[at] += n;
          const moreGaps = running(more);
          const boxes = place(moreGaps);
          const still = crossed(boxes);
          const score = [still.length, boxes.get(p)?.side === "centre" ? 0 : 1, n];
          if (before(score, best.score)) {
            best = { added: more, score, left: still, layout: { gaps: moreGaps, boxes } };
          }
        }
      }
      if (best.left.length < left.length) {
        [added, left, current] = [best.added, best.left, best.layout];
        continue search;
      }
    }
    break;
  }
  return current;
}

/** Whether score `a` comes before `b`, comparing their numbers in turn (lower first). */
function before(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** The lane an arrow ends on: its recv's, else the lane of the peer it was sent to. */
function lanesOpposite(arrow: Arrow, lanes: Lane[]): Lane | undefined {
  if (arrow.to !== undefined) return arrow.to.lane;
  const p = arrow.from;
  if (arrow.datagram) return p.toLane;
  if (p.lane.role === "server") return lanes.find((l) => l.key === `client ${p.client}`);
  return lanes.find((l) => l.key === `server ${p.server}`);
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
