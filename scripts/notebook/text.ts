/**
 * Multi-line text fields, joined for reading and split as nbformat splits them for writing.
 */
import type { MultilineString } from "./types";

/**
 * Joins a notebook text field into one string.
 */
export function joinSource(source: MultilineString): string {
  return typeof source === "string" ? source : source.join("");
}

/** Where Python's `str.splitlines()` breaks a line, besides "\r\n". */
const lineBreaks = new Set([
  "\n",
  "\r",
  "\v",
  "\f",
  "\x1c",
  "\x1d",
  "\x1e",
  "\x85",
  "\u2028",
  "\u2029",
]);

/**
 * Python's `str.splitlines(True)`, which nbformat uses: lines keep their line break, no empty
 * last line. Matching it exactly keeps a re-run notebook byte-identical to one Jupyter saved.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!lineBreaks.has(text[i])) continue;
    if (text[i] === "\r" && text[i + 1] === "\n") i++;
    lines.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}
