/**
 * Whether this machine has IPv6 loopback (::1). Most do; some containers and CI machines are
 * started with IPv6 switched off, and a lesson about ::1 then says so instead of failing.
 */
import { createServer } from "node:net";

import { handlesClosed } from "./wait";

/**
 * What {@link ipv6Loopback} found: whether a TCP server can listen on ::1, and if not, why.
 *
 * @example
 * const { available, reason } = await ipv6Loopback();
 */
export interface IPv6LoopbackStatus {
  /** True when a server could listen on ["::1", 0]. */
  available: boolean;
  /** Why not, in words to print ("" when available). */
  reason: string;
}

/**
 * Tries to listen on ::1 with a free port, and closes at once. On Linux, ::1 is missing when IPv6
 * is switched off (`net.ipv6.conf.lo.disable_ipv6 = 1`, or the machine was started without it):
 * listening then fails with EADDRNOTAVAIL.
 *
 * @example
 * const v6 = await ipv6Loopback();
 * if (!v6.available) console.log(`skipped: ${v6.reason}`);
 */
export function ipv6Loopback(): Promise<IPv6LoopbackStatus> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", async (err: NodeJS.ErrnoException) => {
      server.close();
      await handlesClosed();
      resolve({
        available: false,
        reason: `this machine has no IPv6 loopback: listening on ::1 failed with ${err.code ?? err.message}`,
      });
    });
    server.listen({ host: "::1", port: 0, ipv6Only: true }, () => {
      server.close(async () => {
        await handlesClosed();
        resolve({ available: true, reason: "" });
      });
    });
  });
}
