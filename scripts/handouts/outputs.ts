/**
 * A code cell's outputs as Jupyter shows them: consecutive stream chunks merged, stdout and stderr
 * told apart, ANSI colours as colours, rich outputs by Jupyter's mime priority, errors readable.
 */
import { AnsiUp } from "ansi_up";
import {
  isJsonMime,
  joinSource,
  type MimeBundle,
  type Output,
  type StreamOutput,
} from "../notebook";
import { escapeHtml, escapeText } from "./escape";
import { imageDataUri, isEmbeddableImage } from "./images";
import type { Sanitizer } from "./sanitize";

/** What rendering a cell's outputs needs from the page being built: its sanitizer and markdown. */
export interface OutputContext {
  sanitizer: Sanitizer;
  /** Renders a `text/markdown` output (its headings stay out of the page's contents). */
  markdown(source: string): string;
}

/**
 * Which representation of a rich output to show, best first: nbconvert's HTML priority, except
 * that LaTeX (no math typesetting in a handout) falls behind plain text, and JavaScript is never
 * run. The first type present that renders wins.
 */
export const mimePriority = [
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "text/markdown",
  "application/json",
  "text/plain",
  "text/latex",
] as const;

/** Beyond these sizes an output is summarised: a handout is for reading, not for data dumps. */
const maxStreamChars = 200_000;
const maxRichChars = 2_000_000;

/**
 * Renders a code cell's outputs to HTML; an empty string when there are none.
 */
export function renderOutputs(outputs: Output[], context: OutputContext): string {
  return mergeStreams(outputs)
    .map((output) => renderOutput(output, context))
    .join("\n");
}

/**
 * Merges consecutive stream outputs of the same stream into one, as Jupyter front ends do:
 * a kernel sends a cell's printing in many small chunks.
 */
export function mergeStreams(outputs: Output[]): Output[] {
  const merged: Output[] = [];
  for (const output of outputs) {
    const last = merged.at(-1);
    if (
      output.output_type === "stream" &&
      last?.output_type === "stream" &&
      last.name === output.name
    ) {
      merged[merged.length - 1] = {
        ...last,
        text: joinSource(last.text) + joinSource(output.text),
      };
    } else {
      merged.push(output);
    }
  }
  return merged;
}

function renderOutput(output: Output, context: OutputContext): string {
  switch (output.output_type) {
    case "stream":
      return renderStream(output);
    case "error": {
      const traceback =
        output.traceback.length > 0
          ? output.traceback.join("\n")
          : `${output.ename}: ${output.evalue}`;
      return `<pre class="output error">${ansiToHtml(limit(traceback, maxStreamChars))}</pre>`;
    }
    default:
      return renderRich(output.data, output.metadata, context);
  }
}

function renderStream(output: StreamOutput): string {
  // tslab writes to stdout and stderr only; other names are shown like stdout.
  const name = output.name === "stderr" ? "stderr" : "stdout";
  const text = fixConsole(limit(joinSource(output.text), maxStreamChars));
  return `<pre class="output stream ${name}">${ansiToHtml(text)}</pre>`;
}

function renderRich(data: MimeBundle, metadata: Record<string, unknown>, context: OutputContext) {
  for (const mime of mimePriority) {
    if (!(mime in data)) continue;
    const html = renderMime(mime, data[mime], metadata, context);
    if (html !== undefined) return html;
  }
  const types = Object.keys(data);
  const what = types.length === 0 ? "an empty output" : `an output of type ${types.join(", ")}`;
  // Reader-facing note: say what is missing rather than silently dropping it.
  return `<p class="output note">(${escapeHtml(limit(what, 200))}: not shown in handouts)</p>`;
}

/** One representation, or undefined when its data cannot be shown (the next type is tried). */
function renderMime(
  mime: (typeof mimePriority)[number],
  value: unknown,
  metadata: Record<string, unknown>,
  context: OutputContext,
): string | undefined {
  if (isJsonMime(mime)) {
    const json = stringifyJson(value);
    return json === undefined
      ? undefined
      : `<pre class="output json">${escapeText(limit(json, maxStreamChars))}</pre>`;
  }
  const text = joinSource(value as string | string[]);
  if (text.length > maxRichChars) {
    return `<p class="output note">(a ${escapeHtml(mime)} output of ${text.length} characters: too large for a handout)</p>`;
  }
  if (isEmbeddableImage(mime)) {
    const svg = mime === "image/svg+xml";
    const uri = tryRender(() => imageDataUri(mime, text, context.sanitizer, { singleQuoted: svg }));
    if (uri === undefined) return undefined;
    const alt = imageAlt(metadata, mime) ?? (svg ? svgTitle(text) : undefined) ?? "output image";
    const floor = svg ? svgMinWidth(text) : undefined;
    const style = floor === undefined ? "" : ` style="min-width:${floor}px"`;
    return `<div class="output image${svg ? " svg" : ""}"><img src=${svg ? `'${uri}'` : `"${uri}"`} alt="${escapeHtml(alt)}"${imageSize(metadata, mime)}${style}></div>`;
  }
  switch (mime) {
    case "text/html": {
      const html = tryRender(() => context.sanitizer.html(text));
      return html === undefined ? undefined : `<div class="output html">${html}</div>`;
    }
    case "text/markdown": {
      const html = tryRender(() => context.markdown(text));
      return html === undefined ? undefined : `<div class="output markdown">${html}</div>`;
    }
    case "text/plain":
      return `<pre class="output text">${ansiToHtml(limit(text, maxStreamChars))}</pre>`;
    case "text/latex":
      return `<pre class="output latex">${escapeText(limit(text, maxStreamChars))}</pre>`;
  }
  return undefined;
}

/**
 * Hostile or broken output (markup nested a million deep, say) can make a renderer throw: the
 * output then falls back to its next representation instead of failing the whole handout.
 */
function tryRender(render: () => string | undefined): string | undefined {
  try {
    return render();
  } catch {
    return undefined;
  }
}

function stringifyJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    // Nesting deeper than the stack allows: no readable rendering exists anyway.
    return undefined;
  }
}

function imageAlt(metadata: Record<string, unknown>, mime: string): string | undefined {
  const own = metadata[mime];
  const alt =
    typeof own === "object" && own !== null ? (own as Record<string, unknown>).alt : undefined;
  return typeof alt === "string" ? alt.slice(0, 500) : undefined;
}

/** The smallest label a diagram may be shrunk to, in CSS px (WCAG-minded, and the issue's 11 px). */
const minLabelPx = 11;

/**
 * How narrow a diagram may be drawn: shrunk to fit its box only as far as its smallest font size
 * stays at minLabelPx; past that its box scrolls. Undefined when the SVG gives no pixel width
 * (it is then left to the stylesheet).
 *
 * @example
 * svgMinWidth('<svg width="1031.4" font-size="12">'); // 946
 */
export function svgMinWidth(svg: string): number | undefined {
  const root = /<svg\b[^>]*>/i.exec(svg)?.[0];
  const width = root && /\swidth\s*=\s*["']?\s*([\d.]+)(?:px)?\s*["'\s>]/i.exec(root)?.[1];
  if (!width || !Number.isFinite(Number(width)) || Number(width) <= 0) return undefined;
  // font-size="12", font-size: 12px, or the shorthand font: 12px sans-serif.
  const sizes = [
    ...svg.matchAll(/font-size\s*[=:]\s*["']?\s*([\d.]+)|\bfont\s*:[^;}"'<]*?([\d.]+)px/gi),
  ]
    .map((m) => Number(m[1] ?? m[2]))
    .filter((size) => Number.isFinite(size) && size > 0);
  const smallest = sizes.length > 0 ? Math.min(...sizes) : minLabelPx;
  return Math.ceil((Number(width) * minLabelPx) / Math.max(smallest, minLabelPx));
}

/**
 * The text of an SVG's own `<title>` (the first one, the document's: the course's diagrams say
 * there what they show), entities decoded, as the picture's alt text.
 */
export function svgTitle(svg: string): string | undefined {
  const match = /<svg\b[^>]*>\s*(?:<!--[\s\S]*?-->\s*)*<title\b[^>]*>([^<]{1,500})<\/title>/i.exec(
    svg,
  );
  if (!match) return undefined;
  const text = match[1]
    .replace(/&(lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (entity, name: string) => {
      const named: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'" };
      if (named[name.toLowerCase()]) return named[name.toLowerCase()];
      const code =
        name[1] === "x" || name[1] === "X"
          ? Number.parseInt(name.slice(2), 16)
          : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000
        ? String.fromCodePoint(code)
        : entity;
    })
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  return text === "" ? undefined : text;
}

/** Width and height from the output's metadata, as Jupyter applies them; numbers only. */
function imageSize(metadata: Record<string, unknown>, mime: string): string {
  const own = metadata[mime];
  if (typeof own !== "object" || own === null) return "";
  let attributes = "";
  for (const key of ["width", "height"]) {
    const value = (own as Record<string, unknown>)[key];
    if (typeof value === "number" && Number.isFinite(value) && value > 0) {
      attributes += ` ${key}="${Math.round(value)}"`;
    }
  }
  return attributes;
}

function limit(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n... (cut here: ${text.length} characters in all)`;
}

/** ANSI escape codes (colours, bold) to HTML; the text itself is escaped by ansi_up. */
function ansiToHtml(text: string): string {
  // A fresh converter per output: ansi_up carries colour state from one call to the next.
  const ansi = new AnsiUp();
  ansi.use_classes = true;
  return ansi.ansi_to_html(text);
}

/**
 * Applies carriage returns and backspaces the way a terminal (and Jupyter) would: a progress line
 * rewritten with `\r` shows its last state, not every state glued together.
 */
export function fixConsole(text: string): string {
  if (!text.includes("\r") && !text.includes("\b")) return text;
  return text
    .replace(/\r+\n/g, "\n")
    .split("\n")
    .map((line) => applyBackspaces(overwriteLine(line.split("\r"))))
    .join("\n");
}

/** Text after a `\r` overwrites the line from its start; what it does not cover stays. */
function overwriteLine(segments: string[]): string {
  // Built from the last segment backwards so a line rewritten many times costs linear time.
  let shown = "";
  for (let i = segments.length - 1; i >= 0; i--) {
    if (segments[i].length > shown.length) shown += segments[i].slice(shown.length);
  }
  return shown;
}

/** A backspace removes the character before it. */
function applyBackspaces(line: string): string {
  if (!line.includes("\b")) return line;
  const kept: string[] = [];
  for (const char of line) {
    if (char === "\b") kept.pop();
    else kept.push(char);
  }
  return kept.join("");
}
