/**
 * The echo server under load, at a size the default suite can afford (seconds). The full sizes
 * (1,000 clients x 100 messages, 10,000 connections) run in `npm run test:load` (test/load/),
 * with the same code (test/support/load.ts).
 */
import { afterEach, describe, expect, test } from "vitest";

import { type EchoServer, startEchoServer } from "../../src/course/echo";
import { closeAll, openSockets } from "../../src/sockets/open-sockets";
import { canCountDescriptors, exchange, oneAfterAnother } from "../support/load";

afterEach(async () => {
  await closeAll();
});

async function server(options: Parameters<typeof startEchoServer>[0]): Promise<EchoServer> {
  return startEchoServer({ mode: "until-eof", ...options });
}

describe("many clients at once", () => {
  test.each([
    ["from the lecture's one-at-a-time server", {}],
    ["served concurrently", { concurrent: true }],
  ])(
    "100 clients connected together, 20 messages each, all get their own bytes back in order %s",
    async (_, options) => {
      const echo = await server(options);
      const result = await exchange(echo, 100, 20);
      expect(result.problems).toEqual([]);
      expect(result.intact).toBe(100);
      expect(result.received).toBe(result.sent);
      await echo.close();
      expect(echo.served).toBe(100);
      expect(openSockets()).toEqual([]);
    },
  );
});

describe("many connections one after another", () => {
  test.skipIf(!canCountDescriptors())(
    "1,000 connections leave no file descriptor, no open socket and less than 4 MiB of heap behind",
    async () => {
      const echo = await server({});
      const result = await oneAfterAnother(echo, 1000);
      expect(result.echoed).toBe(1000);
      // Only the listening socket stays open.
      expect(openSockets()).toHaveLength(1);
      expect(result.descriptors.after).toBeLessThanOrEqual(result.descriptors.warmedUp);
      expect(result.heap.after - result.heap.warmedUp).toBeLessThan(4 * 2 ** 20);
      await echo.close();
    },
  );
});
