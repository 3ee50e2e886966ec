/**
 * Bulk throughput through an echo: 256 MiB pushed through one connection in 64 KiB writes while
 * the echo is read back at the same time.
 */

import { compareEcho } from "./support/echo-comparison";
import { bulk } from "./support/echo-peers";
import type { BenchContext, BenchSection } from "./support/report";

const CHUNK = 64 * 1024;

/**
 * Runs the throughput comparison.
 */
export function bench(context: BenchContext): Promise<BenchSection> {
  const mib = context.quick ? 32 : 256;
  return compareEcho(context, {
    title: `Echo bulk throughput (${mib} MiB through one connection)`,
    method: `${mib} MiB per run, written in 64 KiB pieces (respecting backpressure) while the echo is read back; MiB/s = bytes echoed / time until the last byte is back. Each server runs in its own process; the helper's server receives up to 64 KiB per recv, the lecture's Python server 1024 bytes (its recv(1024)). Median of ${context.runs} interleaved runs after a warm-up.`,
    unit: "MiB/s",
    measure: (client, port) => bulk(client, port, mib * 2 ** 20, CHUNK),
  });
}
