import { expect, test } from "vitest";
import {
  createMessage,
  DELIMITER,
  MessageError,
  parse,
  serialize,
  sign,
} from "../../scripts/runner/messaging";

const key = "a-test-key";

test("parse reads back what serialize wrote, skipping routing ids before the delimiter", () => {
  const message = createMessage("execute_request", { code: "1 + 1" }, "session-1");
  const frames = [Buffer.from("routing-id"), ...serialize(message, key)];
  const parsed = parse(frames, key);
  expect(parsed.header).toEqual(message.header);
  expect(parsed.content).toEqual({ code: "1 + 1" });
  expect(parsed.parent_header).toEqual({});
});

test("serialize signs the four JSON parts with HMAC-SHA256, as Jupyter specifies", () => {
  const frames = serialize(createMessage("kernel_info_request", {}, "s"), key);
  expect(frames[0].equals(DELIMITER)).toBe(true);
  expect(frames[1].toString()).toBe(sign(key, frames.slice(2, 6)));
  expect(frames[1].toString()).toMatch(/^[0-9a-f]{64}$/);
});

test("parse rejects a message signed with another key", () => {
  const frames = serialize(createMessage("status", {}, "s"), "another-key");
  expect(() => parse(frames, key)).toThrow(MessageError);
  expect(() => parse(frames, key)).toThrow(/signature does not match/);
});

test("parse rejects frames without the <IDS|MSG> delimiter", () => {
  expect(() => parse([Buffer.from("{}")], key)).toThrow(/no <IDS\|MSG> delimiter/);
});
