/**
 * A wait's timeout on a process that did not run for longer than the timeout (30 Jupyter kernels
 * on 2 cores): what the operating system finished in time is delivered, not reported as timed
 * out. Each test starts a wait, then keeps this process busy past its timeout while the system
 * completes the operation, as a starved process would find it on waking.
 */
import { afterEach, expect, test } from "vitest";
import { AF_INET, SOCK_DGRAM, SOCK_STREAM } from "../../src/sockets/constants";
import { closeAll } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";
import { connectedPair } from "../support/stream-pair";

afterEach(async () => {
  await closeAll();
});

/** Keeps this process's event loop from running for `ms`, as the scheduler does to a starved one. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning
  }
}

test("connect resolves when the system connected in time, though the process ran late", async () => {
  const server = socket(AF_INET, SOCK_STREAM);
  await server.bind(["127.0.0.1", 0]);
  await server.listen(1);
  const client = socket(AF_INET, SOCK_STREAM);
  const connecting = client.connect(["127.0.0.1", server.localPort], { timeout: 20 });
  busy(200);
  await connecting;
  expect(client.state).toBe("connected");
});

test("accept resolves with a connection the system accepted in time, though the process ran late", async () => {
  const server = socket(AF_INET, SOCK_STREAM);
  await server.bind(["127.0.0.1", 0]);
  await server.listen(1);
  const accepting = server.accept({ timeout: 20 });
  const client = socket(AF_INET, SOCK_STREAM);
  const connecting = client.connect(["127.0.0.1", server.localPort]);
  busy(200);
  const [connection] = await accepting;
  await connecting;
  expect(connection.remotePort).toBe(client.localPort);
});

test("recv resolves with bytes that arrived in time, though the process ran late", async () => {
  const { client, connection } = await connectedPair();
  const receiving = connection.recv(1024, { timeout: 20 });
  await client.send(Buffer.from("in time"));
  busy(200);
  expect((await receiving).toString()).toBe("in time");
});

test("recvfrom resolves with a datagram that arrived in time, though the process ran late", async () => {
  const server = socket(AF_INET, SOCK_DGRAM);
  await server.bind(["127.0.0.1", 0]);
  const client = socket(AF_INET, SOCK_DGRAM);
  const receiving = server.recvfrom(1024, { timeout: 20 });
  await client.sendto(Buffer.from("in time"), ["127.0.0.1", server.localPort]);
  busy(200);
  const [data] = await receiving;
  expect(data.toString()).toBe("in time");
});

test("recv still times out when nothing arrived, however late the process ran", async () => {
  const { connection } = await connectedPair();
  const receiving = connection.recv(1024, { timeout: 20 });
  busy(200);
  await expect(receiving).rejects.toMatchObject({ code: "ERR_TIMEOUT" });
});
