import { expect, test } from "vitest";

import { seededRandom } from "../src/random";

test("the same seed gives the same numbers", () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const first = Array.from({ length: 100 }, () => a());
  expect(Array.from({ length: 100 }, () => b())).toEqual(first);
});

test("different seeds give different numbers", () => {
  const a = seededRandom(1);
  const b = seededRandom(2);
  expect(Array.from({ length: 10 }, () => a())).not.toEqual(Array.from({ length: 10 }, () => b()));
});

test("every number is from 0 (included) to 1 (excluded), spread over the whole range", () => {
  const random = seededRandom(7);
  const values = Array.from({ length: 10_000 }, () => random());
  expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  const low = values.filter((v) => v < 0.5).length;
  expect(low).toBeGreaterThan(4_500);
  expect(low).toBeLessThan(5_500);
});
