/**
 * An echo server in a process of its own, for the echo benchmarks: the server and the measuring
 * client then run on separate cores, as the Python server necessarily does.
 *
 *   tsx scripts/bench/support/echo-server-process.ts helper|raw
 *
 * Prints the port it listens on (127.0.0.1, a free port), serves until its stdin closes, then
 * closes and exits. Both kinds echo every byte back until the client closes its side:
 * - helper: the course's `startEchoServer({ mode: "until-eof" })` (recv(65536), send, repeat);
 * - raw: plain node:net, `connection.pipe(connection)`, the idiomatic Node echo.
 */
import { createServer } from "node:net";

import { startEchoServer } from "../../../src/echo";

async function main(kind: string | undefined): Promise<void> {
  let close: () => Promise<void>;
  let port: number;
  if (kind === "helper") {
    const server = await startEchoServer({ mode: "until-eof" });
    port = server.port;
    close = () => server.close();
  } else if (kind === "raw") {
    const server = createServer({ allowHalfOpen: true }, (connection) => {
      connection.on("error", () => {});
      connection.pipe(connection);
    });
    await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
    port = (server.address() as { port: number }).port;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  } else {
    throw new Error(`usage: echo-server-process.ts helper|raw (got ${String(kind)})`);
  }
  process.stdout.write(`${port}\n`);
  // The benchmark closes our stdin when it is done (or dies): never outlive it.
  process.stdin.resume();
  process.stdin.on("end", () => void close().then(() => process.exit(0)));
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
