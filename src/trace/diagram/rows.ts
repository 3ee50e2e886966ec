/**
 * Rows of a sequence diagram: one per step, in time order, with one correction for what two
 * independent ends of a connection record.
 */

import type { Arrow, Placed } from "./model";

/**
 * Rows follow time, except that a sender is never drawn below what its peer received: the two
 * ends record their steps independently, and a recv can be noted a moment before the send that
 * fed it has finished.
 */
export function orderRows(placed: Placed[], arrows: Arrow[]): void {
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
