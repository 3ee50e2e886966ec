import { EventEmitter } from "node:events";

import { describe, expect, test } from "vitest";

import { timeoutError, validateTimeout, waitFor } from "../../../src/sockets/internal/wait";

const count = (e: EventEmitter) => e.eventNames().reduce((n, name) => n + e.listenerCount(name), 0);

describe("waitFor", () => {
  test("resolves with the event's arguments and removes its listeners", async () => {
    const e = new EventEmitter();
    const waiting = waitFor(e, ["ready"], ["error"], (x) => x as Error);
    e.emit("ready", 1, 2);
    expect(await waiting).toEqual([1, 2]);
    expect(count(e)).toBe(0);
  });

  test("rejects with the mapped error event and removes its listeners", async () => {
    const e = new EventEmitter();
    const waiting = waitFor(e, ["ready"], ["error"], () => new Error("mapped"));
    e.emit("error", new Error("raw"));
    await expect(waiting).rejects.toThrow("mapped");
    expect(count(e)).toBe(0);
  });

  test("rejects on timeout with the given error and removes its listeners", async () => {
    const e = new EventEmitter();
    const waiting = waitFor(e, ["ready"], ["error"], (x) => x as Error, {
      timeout: 5,
      onTimeout: () => timeoutError("accept", "waiting for a connection on 127.0.0.1:1", 5),
    });
    await expect(waiting).rejects.toMatchObject({ code: "ERR_TIMEOUT" });
    expect(count(e)).toBe(0);
  });

  test("rejects with the abort reason and removes its listeners", async () => {
    const e = new EventEmitter();
    const controller = new AbortController();
    const waiting = waitFor(e, ["ready"], ["error"], (x) => x as Error, {
      signal: controller.signal,
    });
    controller.abort(new Error("closed"));
    await expect(waiting).rejects.toThrow("closed");
    expect(count(e)).toBe(0);
  });

  test("rejects at once when already aborted, adding no listener", async () => {
    const e = new EventEmitter();
    const controller = new AbortController();
    controller.abort(new Error("closed"));
    await expect(
      waitFor(e, ["ready"], [], (x) => x as Error, { signal: controller.signal }),
    ).rejects.toThrow("closed");
    expect(count(e)).toBe(0);
  });
});

describe("validateTimeout", () => {
  test("accepts positive milliseconds and treats undefined or Infinity as no timeout", () => {
    expect(validateTimeout(2000, "recv")).toBe(2000);
    expect(validateTimeout(undefined, "recv")).toBeUndefined();
    expect(validateTimeout(Number.POSITIVE_INFINITY, "recv")).toBeUndefined();
  });

  test.each([0, -1, Number.NaN, "100", 2 ** 31])("rejects %j with ERR_INVALID_ARGUMENT", (t) => {
    expect(() => validateTimeout(t, "recv")).toThrow(
      expect.objectContaining({ code: "ERR_INVALID_ARGUMENT" }),
    );
  });
});

test("timeoutError names the operation, what it waited for and the milliseconds", () => {
  expect(timeoutError("recv", "waiting for data from 127.0.0.1:4000", 500).message).toBe(
    "recv timed out after 500 ms waiting for data from 127.0.0.1:4000",
  );
});
