/**
 * An echo server in a process of its own, for the echo benchmarks: the server and the measuring
 * client then run on separate cores, as the Python server necessarily does.
 *
 *   tsx scripts/bench/support/echo-server-process.ts helper|loop|raw
 *
 * Prints the port it listens on (127.0.0.1, a free port), serves until its stdin closes, then
 * closes and exits. Both kinds echo every byte back until the client closes its side:
 * - helper: the course's `startEchoServer({ mode: "until-eof" })` (recv(65536), send, repeat);
 * - loop: the loop a student writes after lesson 07, with the helper's socket API: accept, then
 *   `recv(65536)` and `send` of what came until the client closes, then the next client;
 * - raw: plain node:net, `connection.pipe(connection)`, the idiomatic Node echo.
 */
import { createServer } from "node:net";

import { AF_INET, SOCK_STREAM } from "../../../src/constants";
import { startEchoServer } from "../../../src/echo";
import { socket } from "../../../src/socket";
import type { StreamSocket } from "../../../src/stream-socket";

/** A student's echo server after lesson 07, as a notebook cell would write it. */
async function studentLoop(server: StreamSocket): Promise<void> {
  for (;;) {
    let connection: StreamSocket;
    try {
      [connection] = await server.accept();
    } catch {
      return; // the listening socket was closed
    }
    try {
      for (;;) {
        const data = await connection.recv(65536);
        if (data.length === 0) break; // the client closed its side
        await connection.send(data);
      }
    } catch {
      // this client failed; serve the next one
    } finally {
      await connection.close();
    }
  }
}

async function main(kind: string | undefined): Promise<void> {
  let close: () => Promise<void>;
  let port: number;
  if (kind === "helper") {
    const server = await startEchoServer({ mode: "until-eof" });
    port = server.port;
    close = () => server.close();
  } else if (kind === "loop") {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["127.0.0.1", 0]);
    await server.listen(1);
    port = server.localPort as number;
    void studentLoop(server);
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
    throw new Error(`usage: echo-server-process.ts helper|loop|raw (got ${String(kind)})`);
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
