/** The diagram as a whole: an SVG document, its title, its options, a real session drawn in full. */
import { describe, expect, test } from "vitest";

import { sequenceDiagram } from "../../../src/trace/diagram/sequence-diagram";
import { echo, parse, twoClients } from "../../support/diagram";

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
});

describe("sequenceDiagram of a real session on loopback", () => {
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
