/**
 * A seeded pseudo-random number generator: the same seed gives the same numbers on every run and
 * every machine, so that a "random" loss of datagrams can be replayed and checked exactly.
 */

/**
 * A generator of numbers from 0 (included) to 1 (excluded), like `Math.random`, but seeded:
 * mulberry32, a small 32-bit generator, good enough for simulations (not for secrets).
 *
 * @example
 * const random = seededRandom(7);
 * random(); // the same number every time for seed 7
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
