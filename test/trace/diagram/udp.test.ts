/** Datagram (UDP) sockets: a lane per socket, one arrow per datagram, no connection. */
import { describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM } from "../../../src/sockets/constants";
import { socket } from "../../../src/sockets/socket";
import { decode, encode } from "../../../src/sockets/text";
import { sequenceDiagram } from "../../../src/trace/diagram/sequence-diagram";
import { startRecording } from "../../../src/trace/recording";
import { arrowRows, datagram, parse, session, UDP_SERVER, u } from "../../support/diagram";

const udpEcho = session(
  u("server", UDP_SERVER, "bind"),
  u("client", 50001, "sendto", datagram("ping", UDP_SERVER)),
  u("server", UDP_SERVER, "recvfrom", datagram("ping", 50001)),
  u("server", UDP_SERVER, "sendto", datagram("ping", 50001)),
  u("client", 50001, "recvfrom", datagram("ping", UDP_SERVER)),
  u("client", 50001, "close"),
  u("server", UDP_SERVER, "close"),
);

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
