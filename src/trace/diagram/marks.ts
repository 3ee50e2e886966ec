/**
 * Where a mark's box goes (listen, accept, connect, close...): on its lane, or beside it where an
 * arrow or an arrow's label would run under it.
 */

import { markLabel } from "./labels";
import type { ArrowShape, Placed } from "./model";
import { CHAR_WIDTH, FONT_SIZE } from "./style";

/** Where a mark's box goes: on its lane or beside it (`dx`: from the lane to its left edge). */
export interface MarkBox {
  side: "centre" | "left" | "right";
  dx: number;
  width: number;
  /** How many arrows still run through the box: 0 unless no place on or beside the lane was clear. */
  crossed: number;
}

/**
 * A mark's box is centred on its lane unless an arrow would run under it: an echo server's close
 * comes right after its send, whose arrow is still leaving the lane. Then the box goes beside the
 * lane, on the side its recv labels use first, where the fewest arrows pass. Arrows that start or
 * end at the mark itself (a close's end of stream) do not count. Where every place is crossed,
 * the box says so (`crossed`), and the layout gives the mark room (see ./layout).
 */
export function placeMarks(
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
    const centre: MarkBox = { side: "centre", dx: -width / 2, width, crossed: 0 };
    const left: MarkBox = { side: "left", dx: -MARK_GAP - width, width, crossed: 0 };
    const right: MarkBox = { side: "right", dx: MARK_GAP, width, crossed: 0 };
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
    boxes.set(p, { ...best, crossed: fewest });
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
