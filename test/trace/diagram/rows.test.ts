/** One row per step, in time order, a sender never below its receiver. */
import { describe, expect, test } from "vitest";

import { sequenceDiagram } from "../../../src/trace/diagram/sequence-diagram";
import { arrowRows, c, datagram, parse, s, session, UDP_SERVER, u } from "../../support/diagram";

describe("sequenceDiagram rows", () => {
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
});
