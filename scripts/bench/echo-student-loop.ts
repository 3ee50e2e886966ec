/**
 * The helper's own cost per call, as a student pays it: the echo loop a student writes after
 * lesson 07 (one connection, `recv(65536)` then `send` of what came) against a raw node:net echo
 * (`pipe()`), both measured by the same plain node:net client on round trips of 64-byte messages.
 */
import os from "node:os";

import { roundTrips, startServer } from "./support/echo-peers";
import {
  type BenchContext,
  type BenchSection,
  formatNumber,
  formatRatio,
  interleaved,
  median,
} from "./support/report";

const SIZE = 64;

/**
 * Runs the comparison.
 *
 * @example
 * const section = await bench({ runs: 5, quick: false, log: console.error });
 */
export async function bench(context: BenchContext): Promise<BenchSection> {
  const count = context.quick ? 2_000 : 20_000;
  const raw = await startServer("raw");
  const loop = await startServer("loop");
  try {
    const load = () =>
      os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(", ");
    const loads = [load()];
    const samples = await interleaved(
      {
        "raw node:net echo (pipe)": () => roundTrips("raw", raw.port, count, SIZE),
        "a student's recv/send loop on the helper": () => roundTrips("raw", loop.port, count, SIZE),
      },
      context.runs,
      context.log,
    );
    loads.push(load());
    const rawMedian = median(samples["raw node:net echo (pipe)"]);
    const loopSamples = samples["a student's recv/send loop on the helper"];
    const loopMedian = median(loopSamples);
    const ratios = loopSamples.map((v, i) => v / samples["raw node:net echo (pipe)"][i]);
    return {
      title: "Echo round trips: a student's recv/send loop on the helper vs raw node:net",
      method: `${count.toLocaleString("en-US")} round trips of ${SIZE}-byte messages on one loopback connection per run, by the same plain node:net client; the loop is lesson 07's server with \`recv(65536)\` and \`send\` of what came, in a process of its own, as is the raw \`pipe()\` echo; median of ${context.runs} interleaved runs after a warm-up. Load average (1, 5, 15 min): ${loads.join(" at the start; ")} at the end.`,
      columns: ["server", "median round trips/s", "vs raw", "runs"],
      rows: [
        [
          "raw node:net echo (pipe)",
          formatNumber(rawMedian, 0),
          formatRatio(1),
          samples["raw node:net echo (pipe)"].map((v) => formatNumber(v, 0)).join(", "),
        ],
        [
          "a student's recv/send loop on the helper",
          formatNumber(loopMedian, 0),
          formatRatio(loopMedian / rawMedian),
          loopSamples.map((v) => formatNumber(v, 0)).join(", "),
        ],
      ],
      goals: [
        {
          goal: "the student's loop within 0.9× of raw node:net on round trips",
          met: loopMedian >= 0.9 * rawMedian,
        },
      ],
      notes: [`ratio run by run: ${ratios.map((r) => formatRatio(r)).join(", ")}`],
    };
  } finally {
    await Promise.all([raw.stop(), loop.stop()]);
  }
}
