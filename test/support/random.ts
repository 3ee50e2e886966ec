/** Test support: a small seeded PRNG, so that every "random" case is the same on every run. */

/** A random integer from `lo` to `hi` (both included). */
export type RandomInt = (lo: number, hi: number) => number;

/**
 * mulberry32: the same seed gives the same sequence on every run and machine.
 *
 * @example
 * const rand = seeded(7);
 * rand(1, 6); // a die roll, the same one every time for seed 7
 */
export function seeded(seed: number): RandomInt {
  let a = seed >>> 0;
  return (lo, hi) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + Math.floor(r * (hi - lo + 1));
  };
}

/** Cuts `bytes` into consecutive pieces of random lengths from 1 to `max`. */
export function randomPieces(bytes: Buffer, rand: RandomInt, max: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = Math.min(bytes.length - at, rand(1, max));
    pieces.push(bytes.subarray(at, at + n));
    at += n;
  }
  return pieces;
}
