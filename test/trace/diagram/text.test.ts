/** Text from the events in the SVG: escaped, made visible, cut short, counted. */
import { describe, expect, test } from "vitest";

import { sequenceDiagram } from "../../../src/trace/diagram/sequence-diagram";
import { c, echo, parse, session } from "../../support/diagram";

describe("sequenceDiagram text", () => {
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
