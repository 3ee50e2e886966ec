import { expect, test } from "vitest";
import { VERSION } from "../src/index";

test("the library exports its version", () => {
  expect(VERSION).toMatch(/^\d+\.\d+\.\d+$/);
});
