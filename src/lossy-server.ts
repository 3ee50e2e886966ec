/**
 * The server of Kurose & Ross's UDP pinger assignment: it answers each datagram with its text in
 * upper case, but, like a bad network, loses some, delays some and sends some twice. Which ones
 * is decided by a seeded generator, so a run can be replayed and a pinger checked exactly.
 */
import type { Address } from "./address";
import { AF_INET } from "./constants";
import { DatagramSocket } from "./datagram-socket";
import { misuse } from "./misuse";
import { seededRandom } from "./random";
import { decode, encode } from "./text";

/**
 * What the lossy server does with one datagram: answers it at once, drops it (no answer ever),
 * answers it late (after `delayMs`), or answers it twice at once.
 *
 * @example
 * const fate: PingFate = "drop";
 */
export type PingFate = "answer" | "drop" | "delay" | "duplicate";

/**
 * How lossy the server is. The shares are probabilities from 0 to 1 and add up to at most 1; each
 * datagram draws one number from the seeded generator, so the n-th datagram's fate depends only on
 * the seed and n.
 *
 * @example
 * const options: LossyServerOptions = { seed: 42, lossRate: 0.3, delayMs: 1500 };
 */
export interface LossyServerOptions {
  /** The generator's seed: the same seed, the same fates. @default 1 */
  seed?: number;
  /** Share of datagrams dropped. @default 0.25 */
  lossRate?: number;
  /** Share of datagrams answered late. @default 0.1 */
  delayRate?: number;
  /** Share of datagrams answered twice. @default 0.1 */
  duplicateRate?: number;
  /** How late a delayed answer comes, in milliseconds. @default 1500 */
  delayMs?: number;
}

/**
 * A running lossy server: its socket, its address, and what it did so far.
 *
 * @example
 * const server = await startLossyServer({ seed: 42 });
 * server.address; // ["127.0.0.1", 40123]
 * await server.close();
 */
export interface LossyServer {
  /** The server's UDP socket, bound to 127.0.0.1 and a free port. */
  readonly socket: DatagramSocket;
  /** Where to send pings: ["127.0.0.1", port]. */
  readonly address: Address;
  /** The server's port. */
  readonly port: number;
  /** Each datagram received so far, as text, in arrival order. */
  readonly received: string[];
  /** The fate of each datagram received so far, in arrival order. */
  readonly fates: PingFate[];
  /** Stops the server: closes its socket and cancels the delayed answers not yet sent. */
  close(): Promise<void>;
}

const MAX_RECORDED = 10_000;

/**
 * The fates of the first `count` datagrams a lossy server with these options will receive, in
 * order: what {@link startLossyServer} will do, known in advance (a check compares a pinger's
 * report with it).
 *
 * @example
 * lossyFates(5, { seed: 42 }); // e.g. ["answer", "drop", "answer", "delay", "answer"]
 */
export function lossyFates(count: number, options: LossyServerOptions = {}): PingFate[] {
  if (!Number.isInteger(count) || count < 0) throw misuse.badFateCount(count);
  const decide = fateDecider(options);
  return Array.from({ length: count }, () => decide());
}

/**
 * Starts the lossy UDP server on 127.0.0.1 and a free port. Each datagram gets its fate from
 * {@link lossyFates}; the answer is the datagram's text in upper case ("Ping 1 ..." comes back as
 * "PING 1 ..."), as in Kurose & Ross's `UDPPingerServer.py`.
 *
 * @example
 * const server = await startLossyServer({ seed: 42, lossRate: 0.3 });
 * const client = socket(AF_INET, SOCK_DGRAM);
 * await client.sendto(encode("Ping 1 0"), server.address);
 * // an answer "PING 1 0", or none, or a late one, or two, as seed 42 decides
 * await server.close();
 */
export async function startLossyServer(options: LossyServerOptions = {}): Promise<LossyServer> {
  const decide = fateDecider(options);
  const delayMs = options.delayMs ?? 1500;
  const sock = new DatagramSocket(AF_INET);
  await sock.bind(["127.0.0.1", 0]);
  const received: string[] = [];
  const fates: PingFate[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const answer = (data: Buffer, to: Address) => {
    sock.sendto(encode(decode(data).toUpperCase()), to).catch(() => {}); // closed meanwhile
  };
  const serve = async () => {
    for (;;) {
      let data: Buffer;
      let from: Address;
      try {
        [data, from] = await sock.recvfrom(65535);
      } catch {
        return; // the socket was closed: the server stops
      }
      const fate = decide();
      if (received.length < MAX_RECORDED) {
        received.push(decode(data));
        fates.push(fate);
      }
      if (fate === "answer") answer(data, from);
      else if (fate === "duplicate") {
        answer(data, from);
        answer(data, from);
      } else if (fate === "delay") {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer(data, from);
        }, delayMs);
        timers.add(timer);
      }
    }
  };
  void serve();
  const address: Address = ["127.0.0.1", sock.localPort];
  return {
    socket: sock,
    address,
    port: sock.localPort,
    received,
    fates,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await sock.close();
    },
  };
}

/** Checks the options once and returns the function that draws the next datagram's fate. */
function fateDecider(options: LossyServerOptions): () => PingFate {
  const share = (name: keyof LossyServerOptions, fallback: number) => {
    const value = options[name] ?? fallback;
    if (typeof value !== "number" || !(value >= 0 && value <= 1))
      throw misuse.badShare(name, value);
    return value;
  };
  const loss = share("lossRate", 0.25);
  const delay = share("delayRate", 0.1);
  const duplicate = share("duplicateRate", 0.1);
  if (loss + delay + duplicate > 1) throw misuse.sharesOver1(loss, delay, duplicate);
  const delayMs = options.delayMs ?? 1500;
  if (typeof delayMs !== "number" || !Number.isFinite(delayMs) || delayMs < 0) {
    throw misuse.badDelay(delayMs);
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw misuse.badSeed(seed);
  const random = seededRandom(seed);
  return () => {
    const r = random();
    if (r < loss) return "drop";
    if (r < loss + delay) return "delay";
    if (r < loss + delay + duplicate) return "duplicate";
    return "answer";
  };
}
