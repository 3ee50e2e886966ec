/**
 * A PNG beside every SVG a notebook stores. Jupyter opens a notebook it did not sign as "Not
 * Trusted", and then hides stored SVG (Notebook 6 shows PNG and text only), so a lesson's
 * sequence diagram would be blank until the lesson is run. `npm run execute` therefore adds, to
 * each display bundle that has `image/svg+xml` and no `image/png`, the same picture rasterized
 * by resvg (a maintained SVG renderer, here as @resvg/resvg-js, a devDependency: the helper
 * library in src/ that students get keeps no dependencies). The SVG stays what the run printed;
 * the PNG is drawn from exactly that SVG, at its own size (pictureScale), with metadata
 * giving its size in CSS pixels (as Jupyter applies it) and its alt text from the SVG's title.
 */
import { svgTitle } from "../handouts/outputs";
import type { Output } from "../notebook";

type Resvg = typeof import("@resvg/resvg-js");

/**
 * Pixels per SVG pixel. The PNG is a stand-in until the notebook is trusted or run (then Jupyter
 * shows the SVG): at 1 it is as readable as the SVG on an ordinary screen and costs lesson 08
 * 84 KB of base64 (at 2, sharper on a high-density screen, 205 KB in every re-executed copy).
 */
export const pictureScale = 1;

/** The SVG's generic "monospace" as resvg should resolve it, on the systems the course names. */
const monospaceFamily =
  process.platform === "darwin"
    ? "Menlo"
    : process.platform === "win32"
      ? "Consolas"
      : "DejaVu Sans Mono";

let resvg: Resvg | undefined;
let fontsChecked = false;

/** A display bundle's PNG, or an error when the machine has no font to draw its text with. */
export class PictureError extends Error {
  override name = "PictureError";
}

/**
 * Adds the PNG to every output that has an SVG and no PNG (a new array; the SVG is untouched).
 *
 * @throws PictureError when no font is found to draw text (a PNG without labels would mislead)
 */
export async function withPictures(outputs: Output[]): Promise<Output[]> {
  if (!outputs.some(needsPicture)) return outputs;
  resvg ??= await import("@resvg/resvg-js");
  checkFonts(resvg);
  return outputs.map((output) => {
    if (!needsPicture(output)) return output;
    const svg = joinText(output.data["image/svg+xml"]);
    const { png, width, height } = rasterize(resvg as Resvg, svg);
    const title = svgTitle(svg);
    return {
      ...output,
      data: { ...output.data, "image/png": png },
      metadata: {
        ...output.metadata,
        "image/png": { width, height, ...(title === undefined ? {} : { alt: title }) },
      },
    };
  });
}

/**
 * An SVG drawn as PNG (base64, as notebooks store it) at pictureScale, with its size in CSS pixels.
 */
export function rasterize(
  library: Resvg,
  svg: string,
): { png: string; width: number; height: number } {
  const renderer = new library.Resvg(svg, {
    fitTo: { mode: "zoom", value: pictureScale },
    font: { loadSystemFonts: true, monospaceFamily, defaultFontFamily: monospaceFamily },
  });
  const image = renderer.render();
  return {
    png: image.asPng().toString("base64"),
    width: Math.round(image.width / pictureScale),
    height: Math.round(image.height / pictureScale),
  };
}

function needsPicture(output: Output): output is Extract<Output, { data: unknown }> {
  return (
    (output.output_type === "display_data" || output.output_type === "execute_result") &&
    "image/svg+xml" in output.data &&
    !("image/png" in output.data)
  );
}

/** Once per process: a line of text must leave ink, or the system has no font resvg can use. */
function checkFonts(library: Resvg): void {
  if (fontsChecked) return;
  const probe =
    '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"><text x="2" y="15" font-family="monospace" font-size="12">accept</text></svg>';
  const pixels = new library.Resvg(probe, {
    font: { loadSystemFonts: true, monospaceFamily, defaultFontFamily: monospaceFamily },
  }).render().pixels;
  let ink = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) ink++;
  if (ink === 0) {
    throw new PictureError(
      `no font found to draw the diagrams' text into their PNG (looked for "${monospaceFamily}" and the system's fonts): install one (Debian: apt-get install fonts-dejavu-core)`,
    );
  }
  fontsChecked = true;
}

function joinText(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value);
}
