/**
 * TCP connections in a sequence diagram: one byte stream per connection and direction, an arrow
 * from each send to the recv that took its last byte, and a dashed end of stream from a close or
 * shutdown to the peer's recv that returned no bytes.
 */

import { byteCount } from "../../sockets/bytes";
import type { Arrow, Placed } from "./model";
import { quote } from "./text";

/**
 * One arrow per send, to the recv on the other end that took its last byte (several sends in one
 * recv, or one send read by several recvs, show TCP as the byte stream it is), and one end of
 * stream per direction that was closed and seen closed.
 */
export function matchArrows(placed: Placed[], previewLength: number): Arrow[] {
  const arrows: Arrow[] = [];
  // One byte stream per connection and direction: the sends on one end, the recvs on the other.
  interface Stream {
    toServer: boolean;
    sends: Placed[];
    recvs: Placed[];
    /** The first shutdown or close on the sending end: it ends the stream. */
    closer?: Placed;
    /** The first recv on the receiving end that returned no bytes. */
    eof?: Placed;
  }
  const streams = new Map<string, Stream>();
  const stream = (p: Placed, toServer: boolean): Stream => {
    const key = `${p.client}|${p.server}|${toServer ? ">" : "<"}`;
    let s = streams.get(key);
    if (s === undefined) {
      s = { toServer, sends: [], recvs: [] };
      streams.set(key, s);
    }
    return s;
  };
  for (const p of placed) {
    if (p.client === undefined) continue;
    const fromClient = p.event.side === "client";
    const kind = p.event.kind;
    if (kind === "send") stream(p, fromClient).sends.push(p);
    else if (kind === "recv") {
      const s = stream(p, !fromClient);
      if ((p.event.bytes ?? 0) > 0) s.recvs.push(p);
      else s.eof ??= p;
    } else if (kind === "unrecv") {
      stream(p, !fromClient).recvs.push(p);
    } else if (kind === "shutdown" || kind === "close") {
      const s = stream(p, fromClient);
      s.closer ??= p;
    }
  }

  for (const s of streams.values()) {
    const toServer = s.toServer;
    // Byte offsets where each recv's bytes end in the stream. Bytes put back (unrecv) are
    // received again later: the offset steps back, and the first recv that reached an offset is
    // where those bytes came off the network.
    const recvEnds: number[] = [];
    let received = 0;
    for (const r of s.recvs) {
      const n = r.event.bytes ?? 0;
      received += r.event.kind === "unrecv" ? -n : n;
      recvEnds.push(r.event.kind === "unrecv" ? -1 : received);
    }
    let sent = 0;
    for (const p of s.sends) {
      const n = p.event.bytes ?? 0;
      sent += n;
      // The recv that took this send's last byte; a zero-byte send has none.
      const i = n > 0 ? recvEnds.findIndex((end) => end >= sent) : -1;
      const to = i >= 0 ? s.recvs[i] : undefined;
      const preview =
        p.event.preview !== undefined ? ` ${quote(p.event.preview, previewLength)}` : "";
      arrows.push({ from: p, to, kind: "data", label: `${byteCount(n)}${preview}`, toServer });
    }
    if (s.closer !== undefined && s.eof !== undefined) {
      arrows.push({
        from: s.closer,
        to: s.eof,
        kind: "fin",
        label: "end of stream (FIN)",
        toServer,
      });
    }
  }
  return arrows;
}
