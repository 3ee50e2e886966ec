/**
 * Test support for the load tests: many clients exchanging numbered messages with an echo
 * server, and many connections one after another while counting what the process holds open.
 * The default suite (test/echo-load.test.ts) and `npm run test:load` (test/load/) run the same
 * code at different sizes.
 */
import { readdirSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import type { EchoServer } from "../../src/course/echo";
import { socket } from "../../src/sockets/socket";
import type { StreamSocket } from "../../src/sockets/stream-socket";

/** Bounds every wait of a load test: a lost byte must fail the test, never hang it. */
const WAIT = { timeout: 60_000 };

/**
 * Message `m` of client `c`: its own numbers and some padding of a length that varies with both,
 * so a byte delivered to the wrong client, out of order, or twice, changes what comes back.
 */
export function message(client: number, m: number): Buffer {
  return Buffer.from(`client ${client} message ${m} ${"#".repeat((client * 7 + m * 13) % 97)}\n`);
}

/** Receives exactly `n` bytes (or fewer if the peer closes first). */
export async function recvBytes(sock: StreamSocket, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  while (have < n) {
    const data = await sock.recv(n - have, WAIT);
    if (data.length === 0) break;
    parts.push(data);
    have += data.length;
  }
  return Buffer.concat(parts, have);
}

/** What {@link exchange} saw. */
export interface ExchangeResult {
  /** Clients whose replies were all exactly their own messages, in order. */
  intact: number;
  /** The first few mismatches, for the failure message. */
  problems: string[];
  /** Bytes sent and bytes received back, over all clients. */
  sent: number;
  received: number;
}

/**
 * Connects `clients` clients at once, then lets each exchange `messages` messages with the echo
 * server: send one, receive exactly its length back, compare, next. Every client is connected
 * before the first message goes, so all of them are open together.
 */
export async function exchange(
  server: EchoServer,
  clients: number,
  messages: number,
): Promise<ExchangeResult> {
  const socks = await Promise.all(
    Array.from({ length: clients }, async () => {
      const sock = socket();
      await sock.connect(["127.0.0.1", server.port], WAIT);
      return sock;
    }),
  );
  const result: ExchangeResult = { intact: 0, problems: [], sent: 0, received: 0 };
  await Promise.all(
    socks.map(async (sock, c) => {
      try {
        for (let m = 0; m < messages; m++) {
          const sent = message(c, m);
          await sock.send(sent);
          result.sent += sent.length;
          const back = await recvBytes(sock, sent.length);
          result.received += back.length;
          if (!back.equals(sent)) {
            throw new Error(
              `sent ${JSON.stringify(String(sent))}, got ${JSON.stringify(String(back))}`,
            );
          }
        }
        result.intact += 1;
      } catch (err) {
        if (result.problems.length < 5) result.problems.push(`client ${c}: ${String(err)}`);
      } finally {
        await sock.close();
      }
    }),
  );
  return result;
}

/** The number of file descriptors this process has open now (Linux: /proc/self/fd). */
export function openDescriptors(): number {
  return readdirSync("/proc/self/fd").length;
}

/** Whether {@link openDescriptors} can count here. */
export function canCountDescriptors(): boolean {
  try {
    openDescriptors();
    return true;
  } catch {
    return false;
  }
}

// A full garbage collection on demand, so that heap figures count what is kept, not garbage
// that happens not to be collected yet (the test runner does not start Node with --expose-gc).
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** Lets pending closes and timers finish, then collects garbage, before a measurement. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    collectGarbage();
  }
}

/** What {@link oneAfterAnother} measured. */
export interface SequenceResult {
  /** Connections that got their message back whole. */
  echoed: number;
  /** Open file descriptors before, after the first `warmUp` connections, and at the end. */
  descriptors: { before: number; warmedUp: number; after: number };
  /** Heap in use (bytes) after the warm-up and at the end, each after garbage collection. */
  heap: { warmedUp: number; after: number };
}

/**
 * Opens `count` connections one after another, each sending a message, receiving the echo and
 * closing. Counts descriptors and heap after a warm-up (the first connections grow Node's
 * internal pools once) and at the end.
 */
export async function oneAfterAnother(
  server: EchoServer,
  count: number,
  warmUp = Math.min(200, Math.floor(count / 10)),
): Promise<SequenceResult> {
  await settle();
  const before = openDescriptors();
  let echoed = 0;
  let warmedUp = 0;
  let heapWarmedUp = 0;
  for (let i = 0; i < count; i++) {
    if (i === warmUp) {
      await settle();
      warmedUp = openDescriptors();
      heapWarmedUp = process.memoryUsage().heapUsed;
    }
    const sock = socket();
    try {
      await sock.connect(["127.0.0.1", server.port], WAIT);
      const sent = message(i, 0);
      await sock.send(sent);
      if ((await recvBytes(sock, sent.length)).equals(sent)) echoed += 1;
    } finally {
      await sock.close();
    }
  }
  await settle();
  return {
    echoed,
    descriptors: { before, warmedUp, after: openDescriptors() },
    heap: { warmedUp: heapWarmedUp, after: process.memoryUsage().heapUsed },
  };
}
