/**
 * The other end of an exercise's conversation, for check cells: what a check needs to talk to the
 * student's code without the check cell spelling out another exercise's answer (lesson 06's first
 * exercise is "receive until the peer closes"; a check that needs that loop takes it from here).
 */
import type { DatagramSocket } from "../sockets/datagram-socket";
import type { StreamSocket } from "../sockets/stream-socket";
import { timeLimit } from "./exercise";

/** Options of {@link readUntilClosed}. */
export interface ReadUntilClosedOptions {
  /**
   * Milliseconds each recv may wait for the peer, before {@link timeLimit} scales them: a peer
   * that neither sends nor closes fails the check instead of hanging it.
   * @default 10000
   */
  timeout?: number;
}

/**
 * Receives until the peer closes its side of the connection and returns every byte, in order.
 * Rejects with the recv's ERR_TIMEOUT when the peer neither sends nor closes within the limit
 * (the message says how long it waited), and with the recv's error when the connection fails.
 *
 * @example
 * const reply = decode(await readUntilClosed(client));
 * if (reply !== "you are 127.0.0.1:53412") throw new Error(`the client received ${JSON.stringify(reply)}`);
 */
export async function readUntilClosed(
  sock: StreamSocket,
  options: ReadUntilClosedOptions = {},
): Promise<Buffer> {
  const timeout = timeLimit(options.timeout ?? 10_000);
  const parts: Buffer[] = [];
  for (;;) {
    const data = await sock.recv(65536, { timeout });
    if (data.length === 0) return Buffer.concat(parts);
    parts.push(data);
  }
}

/**
 * Answers every datagram that arrives on the bound socket `sock` with `answer(data)`, sent back
 * to its sender, until `sock` is closed; returns at once. A check's UDP server in one line, so that
 * the check cell does not spell out lesson 09's second exercise.
 *
 * @example
 * const ponger = socket(AF_INET, SOCK_DGRAM);
 * await ponger.bind(["127.0.0.1", 0]);
 * answerDatagrams(ponger, (data) => encode(decode(data) === "ping" ? "pong" : "what?"));
 */
export function answerDatagrams(sock: DatagramSocket, answer: (data: Buffer) => Uint8Array): void {
  const loop = async () => {
    for (;;) {
      const [data, from] = await sock.recvfrom(65536);
      await sock.sendto(answer(data), from);
    }
  };
  // It ends when the check closes the socket: recvfrom (or a last sendto) then rejects.
  loop().catch(() => {});
}
