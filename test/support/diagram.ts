/**
 * Test support for the sequence diagram tests (test/diagram*.test.ts): sessions written by hand,
 * sessions recorded on loopback, and what the SVG shows, read back.
 */
import { JSDOM } from "jsdom";
import { expect } from "vitest";

import { socket } from "../../src/sockets/socket";
import { decode, encode } from "../../src/sockets/text";
import {
  type FourTuple,
  startRecording,
  type TraceEvent,
  type TraceInput,
} from "../../src/trace/recording";

/** Parses SVG text as XML: throws if it is not well-formed. */
export function parse(svg: string): Document {
  return new JSDOM(svg, { contentType: "image/svg+xml" }).window.document;
}

function tuple(localPort: number, remotePort: number): FourTuple {
  return { localAddress: "127.0.0.1", localPort, remoteAddress: "127.0.0.1", remotePort };
}

/** A hand-written session: times 1, 2, 3... in the order given. */
export function session(...inputs: TraceInput[]): TraceEvent[] {
  return inputs.map((input, i) => ({ ...input, time: i + 1 }));
}

export const SERVER = 12345;
export const c = (port: number, kind: TraceInput["kind"], extra: Partial<TraceInput> = {}) =>
  ({
    side: "client",
    kind,
    socketId: port,
    fourTuple: tuple(port, SERVER),
    ...extra,
  }) as TraceInput;
export const s = (port: number, kind: TraceInput["kind"], extra: Partial<TraceInput> = {}) =>
  ({
    side: "server",
    kind,
    socketId: port + 100_000,
    fourTuple: tuple(SERVER, port),
    ...extra,
  }) as TraceInput;

export const echo = session(
  { side: "server", kind: "listen", socketId: 1 },
  c(50001, "connect"),
  s(50001, "accept"),
  c(50001, "send", { bytes: 5, preview: "hello" }),
  s(50001, "recv", { bytes: 5, preview: "hello" }),
  s(50001, "send", { bytes: 5, preview: "hello" }),
  s(50001, "close"),
  c(50001, "recv", { bytes: 5, preview: "hello" }),
  c(50001, "recv", { bytes: 0 }),
  c(50001, "close"),
  { side: "server", kind: "close", socketId: 1 },
);

/** The rectangle of each labelled mark (listen, accept, connect, close...), with its text. */
export function markBoxes(doc: Document) {
  return [...doc.querySelectorAll("g.mark")].map((g) => {
    const rect = g.querySelector("rect") as Element;
    const n = (name: string) => Number(rect.getAttribute(name));
    return {
      text: g.querySelector("text")?.textContent ?? "",
      x: n("x"),
      y: n("y"),
      right: n("x") + n("width"),
      bottom: n("y") + n("height"),
    };
  });
}

/**
 * The arrows whose line or label passes through a mark's box. The line is sampled every half
 * pixel; the label is taken as a box of its text at 7.4 pixels a character (the width the layout
 * assumes), 12 high above its baseline and 3 below. An arrow that starts or ends inside the box
 * belongs to that mark (a close's end of stream).
 */
export function arrowsThroughMarks(doc: Document): string[] {
  const hits: string[] = [];
  for (const arrow of doc.querySelectorAll("g.arrow")) {
    const name = arrow.querySelector("title")?.textContent;
    const line = arrow.querySelector("line") as Element;
    const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((a) => Number(line.getAttribute(a)));
    const steps = Math.ceil(Math.hypot(x2 - x1, y2 - y1) * 2);
    const text = arrow.querySelector("text");
    for (const box of markBoxes(doc)) {
      const inside = (x: number, y: number) =>
        x > box.x && x < box.right && y > box.y && y < box.bottom;
      if (inside(x1, y1) || inside(x2, y2)) continue;
      for (let i = 0; i <= steps; i++) {
        if (inside(x1 + ((x2 - x1) * i) / steps, y1 + ((y2 - y1) * i) / steps)) {
          hits.push(`${name} through "${box.text}"`);
          break;
        }
      }
      if (text !== null) {
        const width = (text.textContent ?? "").length * 7.4;
        const x = Number(text.getAttribute("x"));
        const left = text.getAttribute("text-anchor") === "end" ? x - width : x;
        const y = Number(text.getAttribute("y"));
        if (left < box.right && left + width > box.x && y - 12 < box.bottom && y + 3 > box.y) {
          hits.push(`label ${name} over "${box.text}"`);
        }
      }
    }
  }
  return hits;
}

/**
 * The middle of each step as drawn, in the order the SVG lists the steps (the rows' order): the
 * dots of sends and recvs and the boxes of the other steps.
 */
export function stepHeights(doc: Document): number[] {
  return [...doc.querySelectorAll("circle.step, g.mark > rect")].map((e) =>
    e.localName === "circle"
      ? Number(e.getAttribute("cy"))
      : Number(e.getAttribute("y")) + Number(e.getAttribute("height")) / 2,
  );
}

export const UDP_SERVER = 40000;
/** A hand-written UDP step of the socket bound to `port` (its socketId is the port). */
export const u = (
  side: TraceInput["side"],
  port: number,
  kind: TraceInput["kind"],
  extra: Partial<TraceInput> = {},
) => ({ side, kind, socketId: port, local: ["127.0.0.1", port], ...extra }) as TraceInput;
export const datagram = (text: string, peer: number) => ({
  bytes: Buffer.byteLength(text),
  preview: text,
  peer: ["127.0.0.1", peer] as [string, number],
});

/** Each data arrow's label and the rows it joins. */
export const arrowRows = (doc: Document) =>
  [...doc.querySelectorAll("g.arrow.data")].map((a) => [
    a.querySelector("text")?.textContent,
    a.getAttribute("data-from"),
    a.getAttribute("data-to"),
  ]);

/** Two clients talk to one echo server at once; returns the recorded events and the ports. */
export async function twoClients(): Promise<{ events: TraceEvent[]; ports: number[] }> {
  const rec = startRecording();
  const server = socket();
  await server.bind(["127.0.0.1", 0]);
  await server.listen(2);
  const clients = [socket(), socket()];
  for (const client of clients) {
    await client.connect(["127.0.0.1", server.localPort], { timeout: 5000 });
  }
  const connections = [];
  for (let i = 0; i < clients.length; i++) {
    const [connection] = await server.accept({ timeout: 5000 });
    connections.push(connection);
  }
  for (const [i, client] of clients.entries()) await client.send(encode(`hello ${i}`));
  for (const connection of connections) {
    const data = await connection.recv(1024, { timeout: 5000 });
    await connection.send(data);
    await connection.close();
  }
  for (const client of clients) {
    expect(decode(await client.recv(1024, { timeout: 5000 }))).toMatch(/^hello \d$/);
    expect((await client.recv(1024, { timeout: 5000 })).length).toBe(0);
    await client.close();
  }
  await server.close();
  return { events: rec.stop(), ports: clients.map((c) => c.localPort) };
}
