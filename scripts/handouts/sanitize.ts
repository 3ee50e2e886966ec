/**
 * Cleaning HTML and SVG that come from a notebook (outputs, raw HTML in markdown) with DOMPurify,
 * so nothing in a notebook can run script in a handout or make the page fetch from the network.
 *
 * DOMPurify needs a DOM; jsdom provides it. jsdom takes most of a second to load, so it is loaded
 * on the first call: a course without HTML or SVG in it never pays for it.
 */
import { createRequire } from "node:module";

import type { Config, DOMPurify } from "dompurify";

/**
 * What makes untrusted HTML and SVG (outputs, markdown) safe to put in a page: DOMPurify on jsdom,
 * with our hook.
 */
export interface Sanitizer {
  /**
   * Sanitizes an HTML fragment (an output or a markdown cell's rendered HTML).
   * @throws TooComplexError for markup too large or too deeply nested to sanitize quickly
   */
  html(fragment: string): string;
  /**
   * Sanitizes an SVG document and returns it as standalone XML (for an `<img>` data URI),
   * or undefined when the text holds no `<svg>` element.
   * @throws TooComplexError for markup too large or too deeply nested to sanitize quickly
   */
  svg(markup: string): string | undefined;
}

/**
 * Markup refused before sanitizing: DOMPurify on jsdom slows down sharply with nesting (seconds
 * at a thousand levels, a stack overflow further down) and takes about 0.1 ms per element, so a
 * hostile or runaway output could stall the export. No real output comes near these limits.
 */
export class TooComplexError extends Error {
  override name = "TooComplexError";
  readonly code = "ERR_TOO_COMPLEX";
}

/** Deeper nesting or more elements than this is refused (see TooComplexError). */
export const maxNesting = 256;
export const maxElements = 20_000;

/**
 * Elements that never hold content, and those whose end tag may be left out (they nest no deeper).
 */
const noDepth = new Set(
  "area base br col embed hr img input link meta source track wbr param keygen p li dt dd td th tr option optgroup thead tbody tfoot colgroup rb rt rp".split(
    " ",
  ),
);

/**
 * Estimates the nesting and the number of elements of some markup from its tags alone, in one
 * pass, and refuses it beyond the limits.
 *
 * @throws TooComplexError
 */
export function checkComplexity(markup: string): void {
  let depth = 0;
  let elements = 0;
  for (const tag of markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = tag;
    if (closing) {
      if (!noDepth.has(name.toLowerCase())) depth = Math.max(0, depth - 1);
      continue;
    }
    if (++elements > maxElements) {
      throw new TooComplexError(
        `more than ${maxElements} elements: too large to show in a handout`,
      );
    }
    if (!selfClosing && !noDepth.has(name.toLowerCase()) && ++depth > maxNesting) {
      throw new TooComplexError(
        `nested more than ${maxNesting} elements deep: too deep to show in a handout`,
      );
    }
  }
}

/** Elements a handout never needs: page-wide styles and form controls. */
const forbiddenHtmlTags = ["style", "form", "input", "button", "select", "textarea", "dialog"];

const htmlConfig: Config = {
  USE_PROFILES: { html: true, svg: true, svgFilters: true },
  FORBID_TAGS: forbiddenHtmlTags,
  FORBID_ATTR: ["autofocus", "srcset"],
};

const svgConfig: Config = {
  USE_PROFILES: { svg: true, svgFilters: true },
  FORBID_ATTR: ["srcset"],
};

const svgNamespace = "http://www.w3.org/2000/svg";

/**
 * Creates a sanitizer; the first call loads jsdom.
 */
export function createSanitizer(): Sanitizer {
  let loaded: { purify: DOMPurify; serialize: (node: Node) => string } | undefined;

  function load() {
    if (loaded) return loaded;
    const require = createRequire(import.meta.url);
    const { JSDOM } = require("jsdom") as typeof import("jsdom");
    const createPurify = require("dompurify") as (window: unknown) => DOMPurify;
    const { window } = new JSDOM("<!doctype html><html><body></body></html>");
    const purify = createPurify(window);
    purify.addHook("afterSanitizeAttributes", (node) => keepThePageOffline(node as Element));
    const serializer = new window.XMLSerializer();
    loaded = { purify, serialize: (node) => serializer.serializeToString(node) };
    return loaded;
  }

  return {
    html(fragment) {
      checkComplexity(fragment);
      return load().purify.sanitize(fragment, htmlConfig);
    },
    svg(markup) {
      checkComplexity(markup);
      const { purify, serialize } = load();
      const body = purify.sanitize(markup, { ...svgConfig, RETURN_DOM: true });
      const root = [...body.children].find(
        (child) => child.localName === "svg" && child.namespaceURI === svgNamespace,
      );
      return root ? serialize(root) : undefined;
    },
  };
}

/** Attributes that make the browser load something by themselves. */
const resourceAttributes = [
  "src",
  "poster",
  "background",
  "href",
  "xlink:href",
  "action",
  "formaction",
];

/**
 * After DOMPurify (which removes scripts, event handlers and javascript: URLs): drop references
 * that would make the page load anything. Links a reader clicks stay; images may only be data:
 * images and other references only fragments (#id). A handout is one file, so even a relative
 * path would point at nothing (markdown images by relative path are embedded by markdown.ts).
 */
function keepThePageOffline(element: Element): void {
  const isLink = element.localName === "a" || element.localName === "area";
  for (const name of resourceAttributes) {
    if (isLink && (name === "href" || name === "xlink:href")) continue;
    const value = element.getAttribute(name);
    if (value !== null && !isLocalReference(value)) element.removeAttribute(name);
  }
  const style = element.getAttribute("style");
  // url(), image-set() and @import load resources; backslashes can spell them in escapes.
  if (style !== null && /url\s*\(|image-set|@import|expression\s*\(|\\/i.test(style)) {
    element.removeAttribute("style");
  }
}

function isLocalReference(value: string): boolean {
  const url = value.trim();
  // An SVG shown through <img> runs no script: base64 or not, it is safe there.
  return (
    url.startsWith("#") || /^data:image\/((png|jpeg|gif|webp);base64,|svg\+xml[;,])/i.test(url)
  );
}
