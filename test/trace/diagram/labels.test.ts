/** What the diagram says in words: the labels of arrows and marks. */
import { describe, expect, test } from "vitest";

import { sequenceDiagram } from "../../../src/trace/diagram/sequence-diagram";
import { echo, parse } from "../../support/diagram";

describe("sequenceDiagram labels", () => {
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
});
