/**
 * `npm run test:load`: the echo server at the full sizes, kept out of `npm test` because
 * together they take 15 s (a quiet machine) to over a minute (a busy one) on two cores.
 * test/echo-load.test.ts runs the same code at a tenth of the size in the default suite.
 */
import { afterEach, describe, expect, test } from "vitest";

import { startEchoServer } from "../../src/course/echo";
import { closeAll, openSockets } from "../../src/sockets/open-sockets";
import { canCountDescriptors, exchange, oneAfterAnother } from "../support/load";

afterEach(async () => {
  await closeAll();
});

describe("1,000 clients at once, 100 messages each", () => {
  test.each([
    ["the lecture's one-at-a-time server (default backlog 1)", { concurrent: false }],
    ["a server serving them all concurrently", { concurrent: true }],
  ])("through %s, every byte comes back, in order, to the right client", async (_, options) => {
    const echo = await startEchoServer({ mode: "until-eof", ...options });
    const result = await exchange(echo, 1000, 100);
    expect(result.problems).toEqual([]);
    expect(result.intact).toBe(1000);
    expect(result.received).toBe(result.sent);
    await echo.close();
    expect(echo.served).toBe(1000);
    expect(echo.errors).toEqual([]);
    expect(openSockets()).toEqual([]);
  });
});

describe("10,000 connections one after another", () => {
  test.skipIf(!canCountDescriptors())(
    "leave no file descriptor, no open socket and less than 8 MiB of heap behind",
    async () => {
      const echo = await startEchoServer({ mode: "until-eof" });
      const result = await oneAfterAnother(echo, 10_000);
      expect(result.echoed).toBe(10_000);
      expect(openSockets()).toHaveLength(1); // the listening socket
      expect(result.descriptors.after).toBeLessThanOrEqual(result.descriptors.warmedUp);
      expect(result.heap.after - result.heap.warmedUp).toBeLessThan(8 * 2 ** 20);
      await echo.close();
      expect(openSockets()).toEqual([]);
    },
  );
});
