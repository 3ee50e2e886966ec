/** Test support: a small seeded PRNG, so that every "random" case is the same on every run. */
import { seededRandom } from "../../src/random";

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
  const random = seededRandom(seed);
  return (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
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
