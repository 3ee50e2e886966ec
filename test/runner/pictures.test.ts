/**
 * The PNG that `npm run execute` stores beside a diagram's SVG: drawn by resvg from exactly that
 * SVG, text included, the same bytes every time, sized and titled for Jupyter.
 */
import { describe, expect, test } from "vitest";

import type { Output } from "../../scripts/notebook";
import { pictureScale, rasterize, withPictures } from "../../scripts/runner/pictures";
import { sequenceDiagram } from "../../src/trace/diagram/sequence-diagram";
import { echo } from "../support/diagram";

const svg = sequenceDiagram(echo, { title: "One client of the echo server" });
const display = (data: Record<string, unknown>): Output => ({
  output_type: "display_data",
  data,
  metadata: {},
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(base64: string): { width: number; height: number } {
  const bytes = Buffer.from(base64, "base64");
  expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("withPictures", () => {
  test("adds a PNG of the SVG at its size, with its size and alt text from its title in the metadata", async () => {
    const [output] = await withPictures([display({ "image/svg+xml": svg })]);
    if (output.output_type !== "display_data") throw new Error("not a display");
    expect(output.data["image/svg+xml"]).toBe(svg);
    const size = (name: string) =>
      Number(new RegExp(`<svg[^>]*\\s${name}="([\\d.]+)"`).exec(svg)?.[1]);
    const metadata = output.metadata["image/png"] as { width: number; height: number; alt: string };
    expect(metadata.alt).toBe("One client of the echo server");
    expect(Math.abs(metadata.width - size("width"))).toBeLessThanOrEqual(1);
    expect(Math.abs(metadata.height - size("height"))).toBeLessThanOrEqual(1);
    expect(pngSize(output.data["image/png"] as string)).toEqual({
      width: Math.round(size("width") * pictureScale),
      height: Math.round(size("height") * pictureScale),
    });
  });

  test("draws the same bytes from the same SVG, so re-running a lesson changes nothing", async () => {
    const library = await import("@resvg/resvg-js");
    expect(rasterize(library, svg).png).toBe(rasterize(library, svg).png);
  });

  test("draws the diagram's text: the picture with labels has more ink than without them", async () => {
    const library = await import("@resvg/resvg-js");
    const ink = (source: string) => {
      const pixels = new library.Resvg(source, { font: { loadSystemFonts: true } }).render().pixels;
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) dark++;
      return dark;
    };
    expect(ink(svg)).toBeGreaterThan(ink(svg.replace(/<text\b[^>]*>[^<]*<\/text>/g, "")) + 500);
  });

  test("leaves outputs without SVG, and bundles that already hold a PNG, as they are", async () => {
    const outputs: Output[] = [
      { output_type: "stream", name: "stdout", text: "hello\n" },
      display({ "image/svg+xml": svg, "image/png": "iVBORw0KGgo=" }),
    ];
    expect(await withPictures(outputs)).toEqual(outputs);
  });
});
