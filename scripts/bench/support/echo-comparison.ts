/**
 * The shape both echo benchmarks share: the same measurement against each pairing of client and
 * server, interleaved, then medians, ratios to raw node:net on both ends, and the goals.
 *
 * The servers are what is compared: each one is measured with the same raw node:net client, so
 * the client's cost is the same for all. Two more rows show the helper on the client side too
 * (helper client to raw server, helper to helper: what a notebook sees end to end).
 */
import { type ClientKind, hasPython, type ServerKind, startServer } from "./echo-peers";
import {
  type BenchContext,
  type BenchSection,
  formatNumber,
  formatRatio,
  interleaved,
  median,
  PYTHON,
} from "./report";

interface Pairing {
  label: string;
  client: ClientKind;
  server: ServerKind;
}

const PAIRINGS: Pairing[] = [
  { label: "raw node:net client → raw node:net server", client: "raw", server: "raw" },
  { label: "raw node:net client → helper echo server", client: "raw", server: "helper" },
  { label: "raw node:net client → Python echo server", client: "raw", server: "python" },
  { label: "helper client → raw node:net server", client: "helper", server: "raw" },
  { label: "helper client → helper echo server", client: "helper", server: "helper" },
];

/** What one echo benchmark measures. */
export interface EchoComparison {
  title: string;
  method: string;
  /** The unit of `measure`'s result, higher is better ("round trips/s", "MiB/s"). */
  unit: string;
  measure(client: ClientKind, port: number): Promise<number>;
}

/**
 * Runs an echo comparison and builds its report section.
 */
export async function compareEcho(
  context: BenchContext,
  comparison: EchoComparison,
): Promise<BenchSection> {
  const python = hasPython();
  const kinds: ServerKind[] = python ? ["raw", "helper", "python"] : ["raw", "helper"];
  const servers = new Map<ServerKind, Awaited<ReturnType<typeof startServer>>>();
  try {
    for (const kind of kinds) servers.set(kind, await startServer(kind));
    const pairings = PAIRINGS.filter((p) => servers.has(p.server));
    const alternatives = Object.fromEntries(
      pairings.map((p) => [
        p.label,
        () => comparison.measure(p.client, servers.get(p.server)?.port ?? 0),
      ]),
    );
    context.log(`${comparison.title}:`);
    const samples = await interleaved(alternatives, context.runs, context.log);
    const medians = new Map(pairings.map((p) => [p.label, median(samples[p.label])]));
    const of = (client: ClientKind, server: ServerKind) =>
      medians.get(PAIRINGS.find((p) => p.client === client && p.server === server)?.label ?? "") ??
      Number.NaN;
    const baseline = of("raw", "raw");
    const rows = pairings.map((p) => {
      const value = medians.get(p.label) ?? Number.NaN;
      const runs = samples[p.label].map((v) => formatNumber(v, 0)).join(", ");
      return [p.label, formatNumber(value, 0), formatRatio(value / baseline), runs];
    });
    const helper = of("raw", "helper");
    return {
      title: comparison.title,
      method: comparison.method,
      columns: ["client → server", `median ${comparison.unit}`, "vs raw → raw", "runs"],
      rows,
      goals: [
        {
          goal: "the helper's echo server within 10% of the raw node:net server (same raw client)",
          met: helper >= 0.9 * baseline,
        },
        {
          goal: "the helper's echo server ahead of the lecture's Python server",
          met: python ? helper > of("raw", "python") : undefined,
        },
      ],
      notes: [
        `with the helper on both ends (what a notebook runs): ${formatRatio(of("helper", "helper") / baseline)} of raw node:net on both ends; the helper client alone: ${formatRatio(of("helper", "raw") / baseline)}`,
        ...(python
          ? [
              `the raw node:net server against the lecture's Python server (same raw client): ${formatRatio(baseline / of("raw", "python"))}; a server built on node:net, as the helper's is, can be ahead of Python only where this is above 1×`,
            ]
          : [`no ${PYTHON} on this machine: the Python server was not measured`]),
      ],
    };
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
}
