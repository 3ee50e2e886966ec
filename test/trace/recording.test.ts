import { afterEach, describe, expect, test } from "vitest";
import { AF_INET, SHUT_WR, SOCK_DGRAM } from "../../src/sockets/constants";
import { socket } from "../../src/sockets/socket";
import type { StreamSocket } from "../../src/sockets/stream-socket";
import { encode } from "../../src/sockets/text";
import {
  recordEvent,
  recordSession,
  startRecording,
  type TraceEvent,
} from "../../src/trace/recording";

const opened: StreamSocket[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/** The lecture's exchange, once: listen, connect, accept, send, recv, echo, close. */
async function echoExchange(message: string): Promise<void> {
  const server = socket();
  opened.push(server);
  await server.bind(["127.0.0.1", 0]);
  await server.listen(1);
  const client = socket();
  opened.push(client);
  await client.connect(["127.0.0.1", server.localPort], { timeout: 5000 });
  const [connection] = await server.accept({ timeout: 5000 });
  await client.send(encode(message));
  const data = await connection.recv(1024, { timeout: 5000 });
  await connection.send(data);
  await connection.close();
  await client.recv(1024, { timeout: 5000 });
  await client.recv(1024, { timeout: 5000 });
  await client.close();
  await server.close();
}

const steps = (events: readonly TraceEvent[]) => events.map((e) => `${e.side} ${e.kind}`);

describe("startRecording", () => {
  test("a recording holds every step of an echo exchange, in order", async () => {
    const rec = startRecording();
    await echoExchange("hello");
    const events = rec.stop();
    // Connect and accept finish at nearly the same moment: either may be noted first.
    expect(steps(events).sort()).toEqual(
      [
        "server listen",
        "client connect",
        "server accept",
        "client send",
        "server recv",
        "server send",
        "server close",
        "client recv",
        "client recv",
        "client close",
        "server close",
      ].sort(),
    );
    expect(steps(events)[0]).toBe("server listen");
    expect(steps(events).slice(3)).toEqual([
      "client send",
      "server recv",
      "server send",
      "server close",
      "client recv",
      "client recv",
      "client close",
      "server close",
    ]);
  });

  test("send and recv events carry the byte count and a preview of the text", async () => {
    const rec = startRecording();
    await echoExchange("hello");
    const data = rec.stop().filter((e) => e.kind === "send" || (e.kind === "recv" && e.bytes));
    expect(data.map((e) => [e.side, e.kind, e.bytes, e.preview])).toEqual([
      ["client", "send", 5, "hello"],
      ["server", "recv", 5, "hello"],
      ["server", "send", 5, "hello"],
      ["client", "recv", 5, "hello"],
    ]);
  });

  test("the end of stream is a recv of 0 bytes", async () => {
    const rec = startRecording();
    await echoExchange("hi");
    const recvs = rec.stop().filter((e) => e.kind === "recv" && e.side === "client");
    expect(recvs.map((e) => e.bytes)).toEqual([2, 0]);
  });

  test("both ends of a connection record mirrored 4-tuples", async () => {
    const rec = startRecording();
    await echoExchange("x");
    const events = rec.stop();
    const client = events.find((e) => e.kind === "connect")?.fourTuple;
    const server = events.find((e) => e.kind === "accept")?.fourTuple;
    expect(client?.remotePort).toBe(server?.localPort);
    expect(server?.remotePort).toBe(client?.localPort);
    expect(client?.localPort).toBeGreaterThan(0);
  });

  test("times count from the start of the recording and never go backwards", async () => {
    const rec = startRecording();
    await echoExchange("t");
    const times = rec.stop().map((e) => e.time);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });

  test("events are live while recording and stop coming after stop", async () => {
    const rec = startRecording();
    recordEvent({ side: "client", kind: "connect", socketId: 1 });
    expect(rec.events).toHaveLength(1);
    const stopped = rec.stop();
    recordEvent({ side: "client", kind: "close", socketId: 1 });
    expect(stopped).toHaveLength(1);
    expect(rec.events).toHaveLength(1);
  });

  test("two recordings at once both see the steps taken while both run", () => {
    const outer = startRecording();
    recordEvent({ side: "server", kind: "listen", socketId: 1 });
    const inner = startRecording();
    recordEvent({ side: "server", kind: "close", socketId: 1 });
    expect(inner.stop().map((e) => e.kind)).toEqual(["close"]);
    expect(outer.stop().map((e) => e.kind)).toEqual(["listen", "close"]);
  });

  test("a half-close is recorded as a shutdown", async () => {
    const rec = startRecording();
    const server = socket();
    opened.push(server);
    await server.bind(["127.0.0.1", 0]);
    await server.listen(1);
    const client = socket();
    opened.push(client);
    await client.connect(["127.0.0.1", server.localPort], { timeout: 5000 });
    const [connection] = await server.accept({ timeout: 5000 });
    opened.push(connection);
    await client.shutdown(SHUT_WR);
    expect((await connection.recv(10, { timeout: 5000 })).length).toBe(0);
    const kinds = steps(rec.stop());
    expect(kinds).toContain("client shutdown");
    expect(kinds.indexOf("client shutdown")).toBeLessThan(kinds.lastIndexOf("server recv"));
  });
});

describe("startRecording with datagram (UDP) sockets", () => {
  /** The lecture's UDP echo: the server binds, the client just sends; one datagram each way. */
  async function udpEcho(message: string) {
    const server = socket(AF_INET, SOCK_DGRAM);
    await server.bind(["127.0.0.1", 0]);
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.sendto(encode(message), ["127.0.0.1", server.localPort]);
    const [data, from] = await server.recvfrom(1024, { timeout: 5000 });
    await server.sendto(data, from);
    await client.recvfrom(1024, { timeout: 5000 });
    await client.close();
    await server.close();
    return { server, client };
  }

  test("a UDP echo records bind, sendto, recvfrom and close, and no connection steps", async () => {
    const rec = startRecording();
    await udpEcho("ping");
    expect(steps(rec.stop())).toEqual([
      "server bind",
      "client sendto",
      "server recvfrom",
      "server sendto",
      "client recvfrom",
      "client close",
      "server close",
    ]);
  });

  test("each UDP event names its socket's own address and, for data, the other end", async () => {
    const rec = startRecording();
    const { server, client } = await udpEcho("ping");
    const events = rec.stop();
    const [s, c] = [
      ["127.0.0.1", server.localPort],
      ["127.0.0.1", client.localPort],
    ];
    expect(events.map((e) => [e.socketId, e.kind, e.local, e.peer])).toEqual([
      [server.id, "bind", s, undefined],
      [client.id, "sendto", c, s],
      [server.id, "recvfrom", s, c],
      [server.id, "sendto", s, c],
      [client.id, "recvfrom", c, s],
      [client.id, "close", c, undefined],
      [server.id, "close", s, undefined],
    ]);
    expect(events.some((e) => e.fourTuple !== undefined)).toBe(false);
  });

  test("recordSession returns the steps of a UDP exchange too", async () => {
    const events = await recordSession(() => udpEcho("inside"));
    const data = events.filter((e) => e.kind === "sendto" || e.kind === "recvfrom");
    expect(data.map((e) => [e.kind, e.bytes, e.preview])).toEqual([
      ["sendto", 6, "inside"],
      ["recvfrom", 6, "inside"],
      ["sendto", 6, "inside"],
      ["recvfrom", 6, "inside"],
    ]);
  });
});

describe("recordSession", () => {
  test("recordSession returns the steps taken inside the session only", async () => {
    recordEvent({ side: "server", kind: "listen", socketId: 99 });
    const events = await recordSession(() => echoExchange("inside"));
    recordEvent({ side: "server", kind: "close", socketId: 99 });
    expect(events.some((e) => e.socketId === 99)).toBe(false);
    expect(events.filter((e) => e.kind === "send")).toHaveLength(2);
  });

  test("recordSession rethrows the session's error", async () => {
    await expect(
      recordSession(async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
  });
});
