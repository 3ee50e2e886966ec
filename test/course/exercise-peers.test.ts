import { afterEach, expect, test, vi } from "vitest";
import { TIME_SCALE_VARIABLE } from "../../src/course/exercise";
import { answerDatagrams, readUntilClosed } from "../../src/course/exercise-peers";
import { AF_INET, SOCK_DGRAM } from "../../src/sockets/constants";
import { closeAll } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";
import { decode, encode } from "../../src/sockets/text";
import { connectedPair } from "../support/stream-pair";

afterEach(async () => {
  vi.unstubAllEnvs();
  await closeAll();
});

test("readUntilClosed returns every piece the peer sent, in order, once it closes", async () => {
  const { client, connection } = await connectedPair();
  const reading = readUntilClosed(client);
  for (const piece of ["you ", "are ", "127.0.0.1"]) {
    await connection.send(encode(piece));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await connection.close();
  expect((await reading).toString()).toBe("you are 127.0.0.1");
});

test("readUntilClosed returns no bytes when the peer closes without sending", async () => {
  const { client, connection } = await connectedPair();
  await connection.close();
  expect((await readUntilClosed(client)).length).toBe(0);
});

test("readUntilClosed rejects with ERR_TIMEOUT, scaled by the time scale, when the peer never closes", async () => {
  vi.stubEnv(TIME_SCALE_VARIABLE, "2");
  const { client, connection } = await connectedPair();
  await connection.send(encode("half"));
  await expect(readUntilClosed(client, { timeout: 50 })).rejects.toMatchObject({
    code: "ERR_TIMEOUT",
    message: expect.stringMatching(/timed out after 100 ms/),
  });
});

test("answerDatagrams answers each datagram to its own sender, until the socket is closed", async () => {
  const server = socket(AF_INET, SOCK_DGRAM);
  await server.bind(["127.0.0.1", 0]);
  answerDatagrams(server, (data) => encode(decode(data).toUpperCase()));
  const a = socket(AF_INET, SOCK_DGRAM);
  const b = socket(AF_INET, SOCK_DGRAM);
  await a.sendto(encode("from a"), ["127.0.0.1", server.localPort]);
  await b.sendto(encode("from b"), ["127.0.0.1", server.localPort]);
  const [fromA] = await a.recvfrom(1024, { timeout: 5000 });
  const [fromB] = await b.recvfrom(1024, { timeout: 5000 });
  expect([decode(fromA), decode(fromB)]).toEqual(["FROM A", "FROM B"]);
  await server.close();
  await a.sendto(encode("anybody?"), ["127.0.0.1", server.localPort]);
  await expect(a.recvfrom(1024, { timeout: 200 })).rejects.toMatchObject({ code: "ERR_TIMEOUT" });
});
