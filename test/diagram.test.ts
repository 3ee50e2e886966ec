import { JSDOM } from "jsdom";
import { describe, expect, test } from "vitest";
import { AF_INET, SOCK_DGRAM } from "../src/constants";
import { sequenceDiagram } from "../src/diagram";
import { socket } from "../src/socket";
import { decode, encode } from "../src/text";
import { type FourTuple, startRecording, type TraceEvent, type TraceInput } from "../src/trace";

/** Parses SVG text as XML: throws if it is not well-formed. */
function parse(svg: string): Document {
  return new JSDOM(svg, { contentType: "image/svg+xml" }).window.document;
}

function tuple(localPort: number, remotePort: number): FourTuple {
  return { localAddress: "127.0.0.1", localPort, remoteAddress: "127.0.0.1", remotePort };
}

/** A hand-written session: times 1, 2, 3... in the order given. */
function session(...inputs: TraceInput[]): TraceEvent[] {
  return inputs.map((input, i) => ({ ...input, time: i + 1 }));
}

const SERVER = 12345;
const c = (port: number, kind: TraceInput["kind"], extra: Partial<TraceInput> = {}) =>
  ({
    side: "client",
    kind,
    socketId: port,
    fourTuple: tuple(port, SERVER),
    ...extra,
  }) as TraceInput;
const s = (port: number, kind: TraceInput["kind"], extra: Partial<TraceInput> = {}) =>
  ({
    side: "server",
    kind,
    socketId: port + 100_000,
    fourTuple: tuple(SERVER, port),
    ...extra,
  }) as TraceInput;

const echo = session(
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
function markBoxes(doc: Document) {
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
 * The arrows whose line passes through a mark's box, sampled every half pixel along the line.
 * An arrow that starts or ends inside the box belongs to that mark (a close's end of stream).
 */
function arrowsThroughMarks(doc: Document): string[] {
  const hits: string[] = [];
  for (const line of doc.querySelectorAll("g.arrow > line")) {
    const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((a) => Number(line.getAttribute(a)));
    const steps = Math.ceil(Math.hypot(x2 - x1, y2 - y1) * 2);
    for (const box of markBoxes(doc)) {
      const inside = (x: number, y: number) =>
        x > box.x && x < box.right && y > box.y && y < box.bottom;
      if (inside(x1, y1) || inside(x2, y2)) continue;
      for (let i = 0; i <= steps; i++) {
        if (inside(x1 + ((x2 - x1) * i) / steps, y1 + ((y2 - y1) * i) / steps)) {
          hits.push(
            `${line.parentElement?.querySelector("title")?.textContent} through "${box.text}"`,
          );
          break;
        }
      }
    }
  }
  return hits;
}

describe("sequenceDiagram", () => {
  test("the SVG is well-formed XML with an svg root element", () => {
    const doc = parse(sequenceDiagram(echo));
    expect(doc.documentElement.localName).toBe("svg");
    expect(doc.documentElement.namespaceURI).toBe("http://www.w3.org/2000/svg");
  });

  test("the SVG sets width, height and a viewBox of the same size", () => {
    const svg = parse(sequenceDiagram(echo)).documentElement;
    const width = Number(svg.getAttribute("width"));
    const height = Number(svg.getAttribute("height"));
    expect(width).toBeGreaterThan(0);
    expect(height).toBeGreaterThan(0);
    expect(svg.getAttribute("viewBox")).toBe(`0 0 ${width} ${height}`);
  });

  test("the SVG has a title for screen readers and an image role", () => {
    const svg = parse(sequenceDiagram(echo)).documentElement;
    expect(svg.getAttribute("role")).toBe("img");
    expect(svg.firstElementChild?.localName).toBe("title");
    expect(svg.firstElementChild?.textContent).toMatch(/1 server, 1 client connection, 2 sends/);
  });

  test("a title given in the options is used", () => {
    const svg = parse(sequenceDiagram(echo, { title: "Echo <once>" })).documentElement;
    expect(svg.querySelector("title")?.textContent).toBe("Echo <once>");
  });

  test("the SVG paints its own white background so it reads on dark pages", () => {
    const doc = parse(sequenceDiagram(echo));
    const background = doc.querySelector("rect.background");
    expect(background?.getAttribute("fill")).toBe("#ffffff");
    expect(background?.getAttribute("width")).toBe(doc.documentElement.getAttribute("width"));
  });

  test("one echo exchange has a server lane, a client lane and two data arrows", () => {
    const doc = parse(sequenceDiagram(echo));
    expect(doc.querySelectorAll("g.lane-server")).toHaveLength(1);
    expect(doc.querySelectorAll("g.lane-client")).toHaveLength(1);
    expect(doc.querySelectorAll("g.arrow.data")).toHaveLength(2);
    expect(doc.querySelectorAll("g.arrow.data.delivered")).toHaveLength(2);
  });

  test("lanes are named by the server's address and the client's address and port", () => {
    const doc = parse(sequenceDiagram(echo));
    const text = (sel: string) => doc.querySelector(sel)?.textContent ?? "";
    expect(text("g.lane-server")).toContain("127.0.0.1:12345");
    expect(text("g.lane-client")).toContain("127.0.0.1:50001");
  });

  test("data arrows are labelled with the byte count and a quoted preview", () => {
    const doc = parse(sequenceDiagram(echo));
    const labels = [...doc.querySelectorAll("g.arrow.data > text")].map((t) => t.textContent);
    expect(labels).toEqual(['5 bytes "hello"', '5 bytes "hello"']);
  });

  test("listen, accept, connect and close appear as labelled marks", () => {
    const doc = parse(sequenceDiagram(echo));
    const marks = [...doc.querySelectorAll("g.mark")].map((g) => g.textContent?.trim());
    expect(marks).toEqual([
      "listen",
      "connect to :12345",
      "accept 127.0.0.1:50001",
      "close (127.0.0.1:50001)",
      "close",
      "close listener",
    ]);
  });

  test("a close right after a send does not cover that send's arrow", () => {
    // The echo server sends and closes at once: its close box sat on the arrow's first pixels.
    const doc = parse(sequenceDiagram(echo));
    expect(markBoxes(doc).map((b) => b.text)).toContain("close (127.0.0.1:50001)");
    expect(arrowsThroughMarks(doc)).toEqual([]);
  });

  test("the server's close is drawn as an end of stream reaching the client's empty recv", () => {
    const doc = parse(sequenceDiagram(echo));
    expect(doc.querySelectorAll("g.arrow.fin")).toHaveLength(1);
    expect(doc.body?.textContent ?? doc.documentElement.textContent).toContain(
      "recv: end of stream",
    );
  });

  test("three clients of one server get three client lanes", () => {
    const events = session(
      { side: "server", kind: "listen", socketId: 1 },
      ...[50001, 50002, 50003].flatMap((port) => [
        c(port, "connect"),
        s(port, "accept"),
        c(port, "send", { bytes: 2, preview: "hi" }),
        s(port, "recv", { bytes: 2 }),
      ]),
    );
    const doc = parse(sequenceDiagram(events));
    expect(doc.querySelectorAll("g.lane-server")).toHaveLength(1);
    const clients = [...doc.querySelectorAll("g.lane-client")].map((g) => g.textContent);
    expect(clients).toHaveLength(3);
    expect(clients.join()).toMatch(/50001.*50002.*50003/s);
    expect(doc.querySelectorAll("g.arrow.data")).toHaveLength(3);
  });

  test("a server listening on all interfaces shares one lane with its loopback connections", () => {
    const events = session(
      {
        side: "server",
        kind: "listen",
        socketId: 1,
        fourTuple: { localAddress: "0.0.0.0", localPort: SERVER, remoteAddress: "", remotePort: 0 },
      },
      c(50001, "connect"),
      s(50001, "accept"),
    );
    expect(parse(sequenceDiagram(events)).querySelectorAll("g.lane-server")).toHaveLength(1);
  });

  test("two sends read by one recv both end at that recv", () => {
    const events = session(
      c(50001, "send", { bytes: 3, preview: "abc" }),
      c(50001, "send", { bytes: 3, preview: "def" }),
      s(50001, "recv", { bytes: 6 }),
    );
    const arrows = [...parse(sequenceDiagram(events)).querySelectorAll("g.arrow.data")];
    expect(arrows.map((a) => [a.getAttribute("data-from"), a.getAttribute("data-to")])).toEqual([
      ["0", "2"],
      ["1", "2"],
    ]);
  });

  test("a send read by two recvs ends at the recv that took its last byte", () => {
    const events = session(
      c(50001, "send", { bytes: 6, preview: "abcdef" }),
      s(50001, "recv", { bytes: 2 }),
      s(50001, "recv", { bytes: 4 }),
    );
    const arrow = parse(sequenceDiagram(events)).querySelector("g.arrow.data");
    expect(arrow?.getAttribute("data-to")).toBe("2");
  });

  test("bytes put back by framing are not counted twice", () => {
    const events = session(
      c(50001, "send", { bytes: 4, preview: "a\nb\n" }),
      s(50001, "recv", { bytes: 4 }),
      s(50001, "unrecv", { bytes: 2 }),
      s(50001, "recv", { bytes: 2 }),
      c(50001, "send", { bytes: 2, preview: "c\n" }),
      s(50001, "recv", { bytes: 2 }),
    );
    const doc = parse(sequenceDiagram(events));
    const arrows = [...doc.querySelectorAll("g.arrow.data")];
    expect(arrows.map((a) => a.getAttribute("data-to"))).toEqual(["1", "5"]);
    expect(doc.documentElement.textContent).toContain("put back 2 bytes");
  });

  test("a recv recorded just before the send that fed it is still drawn below it", () => {
    const events = session(
      s(50001, "recv", { bytes: 5 }),
      c(50001, "send", { bytes: 5, preview: "hello" }),
    );
    const doc = parse(sequenceDiagram(events));
    const arrow = doc.querySelector("g.arrow.data");
    expect(arrow?.getAttribute("data-from")).toBe("0");
    expect(arrow?.getAttribute("data-to")).toBe("1");
    const line = arrow?.querySelector("line");
    expect(Number(line?.getAttribute("y2"))).toBeGreaterThan(Number(line?.getAttribute("y1")));
  });

  test("a send nobody was recorded receiving is drawn flat to the peer's lane", () => {
    const doc = parse(sequenceDiagram(session(c(50001, "send", { bytes: 4, preview: "ping" }))));
    const line = doc.querySelector("g.arrow.data.unmatched > line");
    expect(line?.getAttribute("y1")).toBe(line?.getAttribute("y2"));
    expect(doc.querySelectorAll("g.lane")).toHaveLength(2);
  });

  test("a preview holding <script> is shown as text, never as markup", () => {
    const svg = sequenceDiagram(
      session(c(50001, "send", { bytes: 29, preview: '<script>alert("x")</script>&' })),
      { previewLength: 40 },
    );
    expect(svg).not.toContain("<script");
    const doc = parse(svg);
    expect(doc.querySelectorAll("script")).toHaveLength(0);
    expect(doc.querySelector("g.arrow.data > text")?.textContent).toBe(
      '29 bytes "<script>alert("x")</script>&"',
    );
  });

  test("control characters and lone surrogates in a preview stay well-formed and visible", () => {
    const svg = sequenceDiagram(
      session(c(50001, "send", { bytes: 6, preview: "a\nb\u0000\u001b\ud800" })),
    );
    const label = parse(svg).querySelector("g.arrow.data > text")?.textContent;
    expect(label).toBe('6 bytes "a\\nb\\x00\\x1b\ufffd"');
  });

  test("addresses and titles with markup characters are escaped everywhere", () => {
    const doc = parse(sequenceDiagram(echo, { title: `'"&<>` }));
    expect(doc.querySelector("title")?.textContent).toBe(`'"&<>`);
  });

  test("a long preview is cut to previewLength characters with an ellipsis", () => {
    const svg = sequenceDiagram(
      session(c(50001, "send", { bytes: 26, preview: "abcdefghijklmnopqrstuvwxyz" })),
      { previewLength: 5 },
    );
    expect(parse(svg).querySelector("g.arrow.data > text")?.textContent).toBe('26 bytes "abcde…"');
  });

  test("IPv6 client addresses are written in brackets", () => {
    const v6: FourTuple = {
      localAddress: "::1",
      localPort: 50001,
      remoteAddress: "::1",
      remotePort: SERVER,
    };
    const doc = parse(
      sequenceDiagram(session({ side: "client", kind: "connect", socketId: 2, fourTuple: v6 })),
    );
    expect(doc.querySelector("g.lane-client")?.textContent).toContain("[::1]:50001");
    expect(doc.querySelector("g.lane-server")?.textContent).toContain("[::1]:12345");
  });

  test("times are shown only when asked for", () => {
    expect(parse(sequenceDiagram(echo)).querySelectorAll("text.time")).toHaveLength(0);
    const timed = parse(sequenceDiagram(echo, { showTimes: true }));
    expect(timed.querySelectorAll("text.time")).toHaveLength(echo.length);
    expect(timed.querySelector("text.time")?.textContent).toBe("1.0 ms");
  });

  test("the same events always give the same SVG", () => {
    expect(sequenceDiagram(echo)).toBe(sequenceDiagram(echo.slice()));
  });

  test("an empty recording gives a well-formed SVG that says nothing was recorded", () => {
    const doc = parse(sequenceDiagram([]));
    expect(doc.documentElement.textContent).toContain("no socket events were recorded");
  });

  test("byte counts are written with thousands separators and singular for one byte", () => {
    const doc = parse(
      sequenceDiagram(
        session(c(50001, "send", { bytes: 65536 }), c(50001, "send", { bytes: 1, preview: "x" })),
      ),
    );
    const labels = [...doc.querySelectorAll("g.arrow.data > text")].map((t) => t.textContent);
    expect(labels).toEqual(["65,536 bytes", '1 byte "x"']);
  });
});

const UDP_SERVER = 40000;
/** A hand-written UDP step of the socket bound to `port` (its socketId is the port). */
const u = (
  side: TraceInput["side"],
  port: number,
  kind: TraceInput["kind"],
  extra: Partial<TraceInput> = {},
) => ({ side, kind, socketId: port, local: ["127.0.0.1", port], ...extra }) as TraceInput;
const datagram = (text: string, peer: number) => ({
  bytes: Buffer.byteLength(text),
  preview: text,
  peer: ["127.0.0.1", peer] as [string, number],
});

const udpEcho = session(
  u("server", UDP_SERVER, "bind"),
  u("client", 50001, "sendto", datagram("ping", UDP_SERVER)),
  u("server", UDP_SERVER, "recvfrom", datagram("ping", 50001)),
  u("server", UDP_SERVER, "sendto", datagram("ping", 50001)),
  u("client", 50001, "recvfrom", datagram("ping", UDP_SERVER)),
  u("client", 50001, "close"),
  u("server", UDP_SERVER, "close"),
);

/** Each data arrow's label and the rows it joins. */
const arrowRows = (doc: Document) =>
  [...doc.querySelectorAll("g.arrow.data")].map((a) => [
    a.querySelector("text")?.textContent,
    a.getAttribute("data-from"),
    a.getAttribute("data-to"),
  ]);

describe("sequenceDiagram of datagram (UDP) sockets", () => {
  test("a UDP echo has a lane per socket, headed UDP server and UDP client", () => {
    const lanes = [...parse(sequenceDiagram(udpEcho)).querySelectorAll("g.lane-udp")];
    expect(lanes.map((g) => [...g.querySelectorAll("text")].map((t) => t.textContent))).toEqual([
      ["UDP server", "127.0.0.1:40000"],
      ["UDP client", "127.0.0.1:50001"],
    ]);
  });

  test("each datagram is one delivered arrow from its sendto to its recvfrom, labelled like a send", () => {
    const doc = parse(sequenceDiagram(udpEcho));
    expect(arrowRows(doc)).toEqual([
      ['4 bytes "ping"', "1", "2"],
      ['4 bytes "ping"', "3", "4"],
    ]);
    expect(doc.querySelectorAll("g.arrow.datagram.delivered")).toHaveLength(2);
  });

  test("there is no connection to draw: bind and close only, no handshake, no end of stream", () => {
    const doc = parse(sequenceDiagram(udpEcho));
    expect([...doc.querySelectorAll("g.mark")].map((g) => g.textContent?.trim())).toEqual([
      "bind",
      "close",
      "close",
    ]);
    expect(doc.querySelectorAll("g.arrow.fin")).toHaveLength(0);
    expect([...doc.querySelectorAll("text.step-label")].map((t) => t.textContent)).toEqual([
      "recvfrom 4 bytes",
      "recvfrom 4 bytes",
    ]);
  });

  test("the title counts UDP sockets and datagrams", () => {
    expect(parse(sequenceDiagram(udpEcho)).querySelector("title")?.textContent).toBe(
      "Sequence diagram: 2 UDP sockets, 2 datagrams carrying 8 bytes",
    );
  });

  test("a datagram not (yet) received ends flat on its receiver's lane", () => {
    const doc = parse(
      sequenceDiagram(
        session(
          u("server", UDP_SERVER, "bind"),
          u("client", 50001, "sendto", datagram("unread", UDP_SERVER)),
        ),
      ),
    );
    const arrow = doc.querySelector("g.arrow.datagram.unmatched > line");
    const server = doc.querySelector("g.lane-udp.lane-server > line");
    expect(arrow?.getAttribute("y2")).toBe(arrow?.getAttribute("y1"));
    expect(Number(arrow?.getAttribute("x2"))).toBeCloseTo(Number(server?.getAttribute("x1")) + 4);
  });

  test("a datagram to an address no recorded socket had gets a lane of that address", () => {
    const doc = parse(
      sequenceDiagram(session(u("client", 50001, "sendto", datagram("anybody?", 9)))),
    );
    const lanes = [...doc.querySelectorAll("g.lane")].map((g) => g.textContent?.trim());
    expect(lanes).toEqual([
      expect.stringMatching(/no socket recorded\s+127\.0\.0\.1:9$/),
      expect.stringMatching(/UDP client\s+127\.0\.0\.1:50001$/),
    ]);
    expect(doc.querySelectorAll("g.arrow.datagram.unmatched")).toHaveLength(1);
  });

  test("datagrams are matched in order, and one that was lost stays unmatched", () => {
    const doc = parse(
      sequenceDiagram(
        session(
          u("client", 50001, "sendto", datagram("one", UDP_SERVER)),
          u("client", 50001, "sendto", datagram("two", UDP_SERVER)),
          u("client", 50001, "sendto", datagram("three", UDP_SERVER)),
          u("server", UDP_SERVER, "recvfrom", datagram("one", 50001)),
          u("server", UDP_SERVER, "recvfrom", datagram("three", 50001)),
        ),
      ),
    );
    expect(arrowRows(doc)).toEqual([
      ['3 bytes "one"', "0", "3"],
      ['3 bytes "two"', "1", "1"],
      ['5 bytes "three"', "2", "4"],
    ]);
    expect(doc.querySelector("g.arrow.unmatched > text")?.textContent).toBe('3 bytes "two"');
  });

  test("a datagram that recvfrom cut short still ends at that recvfrom", () => {
    const doc = parse(
      sequenceDiagram(
        session(
          u("client", 50001, "sendto", datagram("0123456789", UDP_SERVER)),
          u("server", UDP_SERVER, "recvfrom", datagram("0123", 50001)),
        ),
      ),
    );
    expect(arrowRows(doc)).toEqual([['10 bytes "0123456789"', "0", "1"]]);
  });

  test("a recvfrom recorded just before the sendto that fed it is still drawn below it", () => {
    const doc = parse(
      sequenceDiagram(
        session(
          u("server", UDP_SERVER, "recvfrom", datagram("ping", 50001)),
          u("client", 50001, "sendto", datagram("ping", UDP_SERVER)),
        ),
      ),
    );
    expect(arrowRows(doc)).toEqual([['4 bytes "ping"', "0", "1"]]);
  });

  test("a real UDP echo with two clients: one arrow per datagram, between the right lanes", async () => {
    const rec = startRecording();
    const server = socket(AF_INET, SOCK_DGRAM);
    await server.bind(["127.0.0.1", 0]);
    const clients = [socket(AF_INET, SOCK_DGRAM), socket(AF_INET, SOCK_DGRAM)];
    for (const [i, client] of clients.entries()) {
      await client.sendto(encode(`from ${i}`), ["127.0.0.1", server.localPort]);
    }
    for (let n = 0; n < clients.length; n++) {
      const [data, from] = await server.recvfrom(1024, { timeout: 5000 });
      await server.sendto(encode(`to ${decode(data).slice(5)}`), from);
    }
    for (const client of clients) {
      await client.recvfrom(1024, { timeout: 5000 });
      await client.close();
    }
    await server.close();
    const doc = parse(sequenceDiagram(rec.stop()));

    // Where each socket's lane is, found by the port its head shows.
    const laneX = (port: number) => {
      const lane = [...doc.querySelectorAll("g.lane-udp")].find((g) =>
        g.textContent?.includes(`127.0.0.1:${port}`),
      );
      return Number(lane?.querySelector("line")?.getAttribute("x1"));
    };
    const ends = [...doc.querySelectorAll("g.arrow.datagram.delivered")].map((a) => {
      const line = a.querySelector("line");
      return {
        label: a.querySelector("text")?.textContent,
        x1: Number(line?.getAttribute("x1")),
        x2: Number(line?.getAttribute("x2")),
      };
    });
    expect(ends.map((e) => e.label).sort()).toEqual([
      '4 bytes "to 0"',
      '4 bytes "to 1"',
      '6 bytes "from 0"',
      '6 bytes "from 1"',
    ]);
    expect(doc.querySelectorAll("g.arrow")).toHaveLength(4);
    for (const [i, client] of clients.entries()) {
      const request = ends.find((e) => e.label === `6 bytes "from ${i}"`);
      const reply = ends.find((e) => e.label === `4 bytes "to ${i}"`);
      expect(request?.x1).toBe(laneX(client.localPort));
      expect(Math.abs((request?.x2 ?? 0) - laneX(server.localPort))).toBeLessThanOrEqual(4);
      expect(reply?.x1).toBe(laneX(server.localPort));
      expect(Math.abs((reply?.x2 ?? 0) - laneX(client.localPort))).toBeLessThanOrEqual(4);
    }
  });
});

describe("sequenceDiagram of a real session on loopback", () => {
  /** Two clients talk to one echo server at once; returns the recorded events and the ports. */
  async function twoClients(): Promise<{ events: TraceEvent[]; ports: number[] }> {
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

  test("two clients of one server give one server lane and two client lanes", async () => {
    const { events, ports } = await twoClients();
    const doc = parse(sequenceDiagram(events));
    expect(doc.querySelectorAll("g.lane-server")).toHaveLength(1);
    const clientLanes = [...doc.querySelectorAll("g.lane-client")].map((g) => g.textContent ?? "");
    expect(clientLanes).toHaveLength(2);
    for (const [i, port] of ports.entries()) expect(clientLanes[i]).toContain(`127.0.0.1:${port}`);
  });

  test("each message and each echo is one delivered arrow with its byte count and text", async () => {
    const { events } = await twoClients();
    const doc = parse(sequenceDiagram(events));
    const arrows = [...doc.querySelectorAll("g.arrow.data.delivered > text")].map(
      (t) => t.textContent,
    );
    expect(arrows.sort()).toEqual([
      '7 bytes "hello 0"',
      '7 bytes "hello 0"',
      '7 bytes "hello 1"',
      '7 bytes "hello 1"',
    ]);
    expect(doc.querySelectorAll("g.arrow.data")).toHaveLength(4);
  });

  test("no mark's box lies on an arrow", async () => {
    const { events } = await twoClients();
    expect(arrowsThroughMarks(parse(sequenceDiagram(events)))).toEqual([]);
  });

  test("every step of the session is drawn: marks, recv dots and ends of stream", async () => {
    const { events } = await twoClients();
    const doc = parse(sequenceDiagram(events));
    const marks = [...doc.querySelectorAll("g.mark")].map((g) => g.textContent?.trim() ?? "");
    expect(marks.filter((m) => m === "listen")).toHaveLength(1);
    expect(marks.filter((m) => m.startsWith("accept 127.0.0.1:"))).toHaveLength(2);
    expect(marks.filter((m) => m.startsWith("connect to :"))).toHaveLength(2);
    expect(marks.filter((m) => m.startsWith("close"))).toHaveLength(5);
    expect(doc.querySelectorAll("circle.step-recv")).toHaveLength(6);
    expect(doc.querySelectorAll("g.arrow.fin")).toHaveLength(2);
  });
});
