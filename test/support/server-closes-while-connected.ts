/**
 * A program for test/echo-faults.test.ts: an echo server closed while clients are connected,
 * in a process of its own so that the test can check the process then ends by itself.
 *
 *   node --import tsx test/support/server-closes-while-connected.ts [concurrent]
 *
 * Starts the echo server (until-eof; "concurrent" serves everyone at once), connects 10
 * clients, lets 3 of them exchange a message, closes the server with all 10 still connected,
 * then reports on stdout, as JSON, what each client's next recv gave: "end" (an empty Buffer,
 * the end of stream) or the error's code. It never calls process.exit: the process must end
 * because nothing is left open.
 */
import { startEchoServer } from "../../src/course/echo";
import { openSockets } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";

const concurrent = process.argv[2] === "concurrent";
const server = await startEchoServer({ mode: "until-eof", concurrent });
const clients = [];
for (let i = 0; i < 10; i++) {
  const client = socket();
  await client.connect(["127.0.0.1", server.port], { timeout: 10_000 });
  clients.push(client);
}
// With the one-at-a-time server only the first can be answered; the others wait their turn.
const talkers = concurrent ? clients.slice(0, 3) : clients.slice(0, 1);
for (const client of talkers) {
  await client.send(Buffer.from("hello"));
  await client.recv(5, { timeout: 10_000 });
}
await server.close();
const seen = await Promise.all(
  clients.map((c) =>
    c.recv(1024, { timeout: 10_000 }).then(
      (data) => (data.length === 0 ? "end" : `data: ${data}`),
      (err: { code?: string }) => String(err.code),
    ),
  ),
);
await Promise.all(clients.map((c) => c.close()));
process.stdout.write(
  `${JSON.stringify({ seen, served: server.served, open: openSockets().length })}\n`,
);
