/** Where things go: no mark's box on an arrow. */
import { describe, expect, test } from "vitest";

import { sequenceDiagram } from "../src/diagram";
import { arrowsThroughMarks, echo, markBoxes, parse, twoClients } from "./support/diagram";

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
});
