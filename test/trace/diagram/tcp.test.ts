/** TCP byte streams: each send to the recv that took its last byte, a close to the end of stream. */
import { describe, expect, test } from "vitest";

import { sequenceDiagram } from "../../../src/trace/diagram/sequence-diagram";
import { c, echo, parse, s, session } from "../../support/diagram";

describe("sequenceDiagram of TCP byte streams", () => {
  test("the server's close is drawn as an end of stream reaching the client's empty recv", () => {
    const doc = parse(sequenceDiagram(echo));
    expect(doc.querySelectorAll("g.arrow.fin")).toHaveLength(1);
    expect(doc.body?.textContent ?? doc.documentElement.textContent).toContain(
      "recv: end of stream",
    );
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

  test("a send nobody was recorded receiving is drawn flat to the peer's lane", () => {
    const doc = parse(sequenceDiagram(session(c(50001, "send", { bytes: 4, preview: "ping" }))));
    const line = doc.querySelector("g.arrow.data.unmatched > line");
    expect(line?.getAttribute("y1")).toBe(line?.getAttribute("y2"));
    expect(doc.querySelectorAll("g.lane")).toHaveLength(2);
  });
});
