/** Which lane each step is drawn on: a server, a client connection. */
import { describe, expect, test } from "vitest";

import { sequenceDiagram } from "../../../src/trace/diagram/sequence-diagram";
import type { FourTuple } from "../../../src/trace/recording";
import { c, echo, parse, SERVER, s, session } from "../../support/diagram";

describe("sequenceDiagram lanes", () => {
  test("lanes are named by the server's address and the client's address and port", () => {
    const doc = parse(sequenceDiagram(echo));
    const text = (sel: string) => doc.querySelector(sel)?.textContent ?? "";
    expect(text("g.lane-server")).toContain("127.0.0.1:12345");
    expect(text("g.lane-client")).toContain("127.0.0.1:50001");
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
});
