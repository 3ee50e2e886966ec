import { expect, test } from "vitest";

import { asBytes, preview } from "../src/bytes";

test("asBytes gives a Buffer that shares the Uint8Array's memory", () => {
  const array = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
  const bytes = asBytes(array, "send");
  expect(Buffer.isBuffer(bytes)).toBe(true);
  expect([...bytes]).toEqual([2, 3]);
  array[0] = 9;
  expect(bytes[0]).toBe(9);
});

test("asBytes rejects a string, saying to encode it first", () => {
  expect(() => asBytes("hello", "send")).toThrow(
    "send takes bytes: encode your text first, send(encode(message)); got a string",
  );
});

test("asBytes rejects other values with ERR_INVALID_ARGUMENT", () => {
  expect(() => asBytes(42, "send")).toThrow(
    expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }),
  );
});

test("preview shows newlines as \\n and other control characters as dots", () => {
  expect(preview(Buffer.from("hi\n\u0000\u0007!"))).toBe("hi\\n..!");
});

test("preview cuts long data with an ellipsis", () => {
  expect(preview(Buffer.from("a".repeat(30)))).toBe(`${"a".repeat(24)}…`);
});

test("a Promise where bytes are needed is refused, asking whether await was forgotten", () => {
  expect(() => asBytes(Promise.resolve(Buffer.from("x")), "send")).toThrow(
    /^send got a Promise, not bytes: did you forget `await`\?/,
  );
});
