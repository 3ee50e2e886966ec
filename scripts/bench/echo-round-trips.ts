/**
 * Echo round trips per second: small messages, one connection, each message waiting for its
 * echo before the next one goes (the lecture's exchange, many times over).
 */
import { compareEcho } from "./support/echo-comparison";
import { roundTrips } from "./support/echo-peers";
import type { BenchContext, BenchSection } from "./support/report";

const SIZE = 32;

/**
 * Runs the round-trip comparison.
 */
export function bench(context: BenchContext): Promise<BenchSection> {
  const count = context.quick ? 2_000 : 20_000;
  return compareEcho(context, {
    title: "Echo round trips (small messages, one connection)",
    method: `${count.toLocaleString("en-US")} round trips of ${SIZE}-byte messages on one loopback connection per run: send, wait until all ${SIZE} bytes are back, send the next. Each server runs in its own process; median of ${context.runs} interleaved runs after a warm-up.`,
    unit: "round trips/s",
    measure: (client, port) => roundTrips(client, port, count, SIZE),
  });
}
