/**
 * The helper's own cost per call, as a student pays it: the echo loop a student writes after
 * lesson 07 (one connection, `recv(65536)` then `send` of what came) against a raw node:net echo
 * (`pipe()`), both measured by the same plain node:net client on round trips of 64-byte messages.
 */
import { readFileSync } from "node:fs";
import os from "node:os";

import { roundTrips, startServer } from "./support/echo-peers";
import type { BenchContext, BenchSection } from "./support/report";
import { formatNumber, formatRatio, interleaved, median } from "./support/report";

const SIZE = 64;

/**
 * Runs the comparison.
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
    // The server's CPU time per round trip as well: on a shared machine the round trips per
    // second swing with the load, the CPU each server spends on one round trip much less.
    const cpu: Record<string, number[]> = { raw: [], loop: [] };
    const measure = async (server: typeof raw, name: "raw" | "loop") => {
      const before = cpuSeconds(server.pid);
      const rate = await roundTrips("raw", server.port, count, SIZE);
      cpu[name].push(((cpuSeconds(server.pid) - before) / count) * 1e6);
      return rate;
    };
    const samples = await interleaved(
      {
        "raw node:net echo (pipe)": () => measure(raw, "raw"),
        "a student's recv/send loop on the helper": () => measure(loop, "loop"),
      },
      context.runs,
      context.log,
    );
    // The warm-up round's CPU samples go, as interleaved() drops its round trips.
    cpu.raw.shift();
    cpu.loop.shift();
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
      notes: [
        `ratio run by run: ${ratios.map((r) => formatRatio(r)).join(", ")}`,
        `the server's CPU time per round trip (user+system, median): raw ${formatNumber(median(cpu.raw), 1)} µs, the student's loop ${formatNumber(median(cpu.loop), 1)} µs (${formatRatio(median(cpu.raw) / median(cpu.loop))} of raw's round trips per CPU-second)`,
      ],
    };
  } finally {
    await Promise.all([raw.stop(), loop.stop()]);
  }
}

/** User+system CPU seconds of a process so far (/proc/PID/stat, in ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
