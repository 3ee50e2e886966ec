/** Where things go: no arrow or arrow label on a mark's box, steps in time order. */
import { describe, expect, test } from "vitest";
import { socket } from "../../../src/sockets/socket";
import type { StreamSocket } from "../../../src/sockets/stream-socket";
import { decode, encode } from "../../../src/sockets/text";
import { sequenceDiagram } from "../../../src/trace/diagram/sequence-diagram";
import { startRecording, type TraceEvent } from "../../../src/trace/recording";
import {
  arrowsThroughMarks,
  echo,
  markBoxes,
  parse,
  stepHeights,
  twoClients,
} from "../../support/diagram";

const WAIT = { timeout: 5000 };

/**
 * Lesson 08's three clients of one echo server, in the order its run recorded them: the server
 * answers each client in turn, and client 2 closes while the answer to client 3 is on its way,
 * crossing client 2's lane.
 */
async function threeClientsServedInTurn(): Promise<TraceEvent[]> {
  const rec = startRecording();
  const server = socket();
  await server.bind(["127.0.0.1", 0]);
  await server.listen(5);
  const clients = [socket(), socket(), socket()];
  const connections: StreamSocket[] = [];
  for (const client of clients) {
    await client.connect(["127.0.0.1", server.localPort], WAIT);
    connections.push((await server.accept(WAIT))[0]);
  }
  for (const [i, client] of clients.entries()) {
    await client.send(encode(["one", "two", "three"][i]));
  }
  for (const [i, connection] of connections.entries()) {
    await connection.send(await connection.recv(1024, WAIT));
    await connection.close();
    if (i > 0) await clients[i - 1].close();
    expect(decode(await clients[i].recv(1024, WAIT))).toBe(["one", "two", "three"][i]);
  }
  await clients[2].close();
  await server.close();
  return rec.stop();
}

/** Lesson 08's code: three clients of a concurrent echo server, all at once. */
async function threeClientsAtOnce(): Promise<TraceEvent[]> {
  const rec = startRecording();
  const listener = socket();
  await listener.bind(["127.0.0.1", 0]);
  await listener.listen(5);
  const running = (async () => {
    const served: Promise<void>[] = [];
    for (;;) {
      let connection: StreamSocket;
      try {
        [connection] = await listener.accept();
      } catch {
        break; // the listening socket was closed
      }
      served.push(
        (async () => {
          await connection.send(await connection.recv(1024, WAIT));
          await connection.close();
        })(),
      );
    }
    await Promise.all(served);
  })();
  await Promise.all(
    ["one", "two", "three"].map(async (message) => {
      const client = socket();
      await client.connect(["127.0.0.1", listener.localPort], WAIT);
      await client.send(encode(message));
      expect(decode(await client.recv(1024, WAIT))).toBe(message);
      await client.close();
    }),
  );
  await listener.close();
  await running;
  return rec.stop();
}

describe("sequenceDiagram layout", () => {
  test("a close right after a send does not cover that send's arrow", () => {
    // The echo server sends and closes at once: its close box sat on the arrow's first pixels.
    const doc = parse(sequenceDiagram(echo));
    expect(markBoxes(doc).map((b) => b.text)).toContain("close (127.0.0.1:50001)");
    expect(arrowsThroughMarks(doc)).toEqual([]);
  });

  test("no mark's box lies on an arrow", async () => {
    const { events } = await twoClients();
    expect(arrowsThroughMarks(parse(sequenceDiagram(events)))).toEqual([]);
  });

  test("no arrow or label lies on a mark where another client's answer crosses a middle lane", async () => {
    // Client 2's close sat on the server's answer to client 3, with no room beside its lane.
    const doc = parse(sequenceDiagram(await threeClientsServedInTurn()));
    expect(markBoxes(doc).filter((b) => b.text === "close")).toHaveLength(3);
    expect(arrowsThroughMarks(doc)).toEqual([]);
  });

  test("steps stay in time order, top to bottom, where a mark needed room", async () => {
    const events = await threeClientsServedInTurn();
    const doc = parse(sequenceDiagram(events));
    const heights = stepHeights(doc);
    expect(heights).toHaveLength(events.length);
    const steps = heights.slice(1).map((y, i) => y - heights[i]);
    // Every step at least a row (30 pixels) below the one before, and somewhere an empty row.
    expect(Math.min(...steps)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...steps)).toBeGreaterThanOrEqual(60);
  });

  test("lesson 08's three clients at once: no arrow or label on a mark, however they raced", async () => {
    for (let run = 0; run < 5; run++) {
      const doc = parse(sequenceDiagram(await threeClientsAtOnce()));
      expect(doc.querySelectorAll("g.arrow.data.delivered")).toHaveLength(6);
      expect(arrowsThroughMarks(doc)).toEqual([]);
    }
  });
});
