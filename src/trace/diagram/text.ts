/**
 * How a sequence diagram writes values as text: addresses, times, message previews (byte counts:
 * sockets/bytes.ts, as error messages write them),
 * and XML escaping for everything that came from the events.
 */

/** An address as "host:port", an IPv6 host in brackets. */
export function endpoint(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function formatTime(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

/** A coordinate to one decimal, as the SVG writes it. */
export function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * A preview as a quoted string with invisible characters made visible (\n, \r, \t, \xNN) and cut
 * to `max` characters. Characters XML cannot hold at all (NUL, lone surrogates) never pass.
 * Backslashes and quotes are left alone: the sockets' previews already write a newline as "\n".
 */
export function quote(text: string, max: number): string {
  const chars = Array.from(text);
  const cut = chars.length > max;
  const shown = (cut ? chars.slice(0, max) : chars).map(visible).join("");
  return `"${shown}${cut ? "…" : ""}"`;
}

function visible(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  if (ch === "\t") return "\\t";
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
    return `\\x${code.toString(16).padStart(2, "0")}`;
  }
  // Lone surrogates and the two non-characters are not allowed in XML.
  if ((code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) return "\ufffd";
  return ch;
}

/** Escapes text for XML content and attribute values, dropping what XML 1.0 cannot hold. */
export function escapeXml(text: string): string {
  return Array.from(text)
    .map((ch) => {
      switch (ch) {
        case "&":
          return "&amp;";
        case "<":
          return "&lt;";
        case ">":
          return "&gt;";
        case '"':
          return "&quot;";
        case "'":
          return "&apos;";
        default: {
          const code = ch.codePointAt(0) ?? 0;
          const allowed =
            code === 0x9 ||
            code === 0xa ||
            code === 0xd ||
            (code >= 0x20 && code <= 0xd7ff) ||
            (code >= 0xe000 && code <= 0xfffd) ||
            code >= 0x10000;
          return allowed ? ch : "\ufffd";
        }
      }
    })
    .join("");
}
