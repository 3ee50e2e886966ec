import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM } from "../src/constants";
import { socket } from "../src/socket";
import { closeAll } from "../src/tracker";
import { connectedPair, listeningServer } from "./support/stream-pair";

afterEach(async () => {
  await closeAll();
});

/** Runs `work`, then a few event-loop turns, and returns the unhandled rejections seen meanwhile. */
async function unhandledDuring(work: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on("unhandledRejection", listener);
  try {
    await work();
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("unhandledRejection", listener);
  }
  return seen;
}

describe("closeAll ends waiting calls nobody awaited without an unhandled rejection", () => {
  test("a recv and an accept started without await end quietly", async () => {
    const { server, connection } = await connectedPair();
    const seen = await unhandledDuring(async () => {
      void connection.recv(1024);
      void server.accept();
      await closeAll();
    });
    expect(seen).toEqual([]);
  });

  test("a UDP recvfrom and recv started without await end quietly", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(0);
    const seen = await unhandledDuring(async () => {
      void udp.recvfrom(1024);
      void udp.recv(1024);
      await closeAll();
    });
    expect(seen).toEqual([]);
  });

  test("a call that is awaited still rejects with ERR_SOCKET_CLOSED", async () => {
    const server = await listeningServer();
    const accepting = server.accept();
    await closeAll();
    await expect(accepting).rejects.toMatchObject({ code: "ERR_SOCKET_CLOSED" });
  });

  test("a waiting recv kept for later still tells its awaiter the socket was closed", async () => {
    const { connection } = await connectedPair();
    const later = connection.recv(1024);
    await connection.close();
    await expect(later).rejects.toMatchObject({
      code: "ERR_SOCKET_CLOSED",
      message: "recv: the socket was closed while recv was waiting",
    });
  });
});
