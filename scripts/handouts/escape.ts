/**
 * Escaping text for HTML: every string that comes from a notebook and is not sanitized HTML goes
 * through here before it reaches a page.
 */

const htmlEscapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for use in HTML content and in double- or single-quoted attribute values.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c]);
}

const textEscapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Escapes text for HTML content only (never an attribute value): quotes need no escaping there,
 * and code is full of them, so leaving them as they are keeps pages smaller and easier to read.
 */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => textEscapes[c]);
}
