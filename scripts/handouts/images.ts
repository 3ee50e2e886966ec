/**
 * Images from a notebook (outputs and markdown attachments) embedded in the page as data: URIs,
 * so a handout is one self-contained file.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

import type { Sanitizer } from "./sanitize";

/** Bitmap types a browser shows in `<img>` from base64 data, as Jupyter stores them. */
const bitmapTypes = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Whether `mime` is an image type this module can embed. */
export function isEmbeddableImage(mime: string): boolean {
  return bitmapTypes.has(mime) || mime === "image/svg+xml";
}

/**
 * Turns an image from a notebook into a data: URI, or undefined when the data is not a valid image
 * of that type (bad base64, an SVG without an `<svg>` element).
 *
 * SVG is sanitized first. Shown through `<img>`, an SVG can neither run script nor load anything,
 * whatever it contains: the sanitizer is a second lock on the same door.
 */
export function imageDataUri(
  mime: string,
  data: string,
  sanitizer: Sanitizer,
  options: { singleQuoted?: boolean } = {},
): string | undefined {
  if (mime === "image/svg+xml") {
    const svg = sanitizer.svg(data);
    return svg === undefined ? undefined : svgDataUri(svg, options);
  }
  if (!bitmapTypes.has(mime)) return undefined;
  // Jupyter wraps base64 at 76 columns in some versions: the line breaks are not part of the data.
  const base64 = data.replace(/\s+/g, "");
  if (base64.length === 0 || base64.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    return undefined;
  }
  return `data:${mime};base64,${base64}`;
}

/**
 * SVG text as a data: URI, percent-encoding only what the URL or an HTML attribute would
 * otherwise change: `%`, `#`, both quotes, `&` and line breaks. Smaller than base64 (a third
 * larger than the text), and safe inside a single- or double-quoted attribute. With
 * `singleQuoted` (for a `src='...'` attribute) double quotes stay as they are: an SVG has one
 * around every attribute value, and `%22` costs three bytes for one.
 */
export function svgDataUri(svg: string, options: { singleQuoted?: boolean } = {}): string {
  const encoded = svg.replace(
    options.singleQuoted ? /[%#'&\r\n\t]/g : /[%#"'&\r\n\t]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
  return `data:image/svg+xml,${encoded}`;
}

const imageFileTypes: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".svg": "image/svg+xml",
};

/** Larger pictures than this are not embedded: a handout should stay small enough to mail. */
const maxImageFileBytes = 5 * 1024 * 1024;

/**
 * Embeds an image a markdown cell refers to by a relative path (`![](images/ports.png)`), read
 * from the notebook's folder, so the handout stays one file. Only image files inside that folder
 * are read: a notebook cannot pull other files of the machine into a page. Returns undefined when
 * the path is not such a file.
 */
export function localImageDataUri(
  src: string,
  folder: string,
  sanitizer: Sanitizer,
): string | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(src.split(/[?#]/)[0]);
  } catch {
    return undefined;
  }
  const mime = imageFileTypes[path.extname(relative).toLowerCase()];
  const base = path.resolve(folder);
  const file = path.resolve(base, relative);
  if (mime === undefined || !file.startsWith(base + path.sep)) return undefined;
  try {
    if (statSync(file).size > maxImageFileBytes) return undefined;
    const bytes = readFileSync(file);
    return mime === "image/svg+xml"
      ? imageDataUri(mime, bytes.toString("utf8"), sanitizer)
      : `data:${mime};base64,${bytes.toString("base64")}`;
  } catch {
    return undefined;
  }
}
