import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM } from "../src/constants";
import { socket } from "../src/socket";
import { closeAll } from "../src/tracker";
import { listeningServer } from "./support/stream-pair";

afterEach(async () => {
  await closeAll();
});

describe("unpacking a Promise instead of awaiting it (a forgotten await)", () => {
  test("const [c, a] = server.accept() throws at once, saying await is missing and what to write", async () => {
    const server = await listeningServer();
    expect(() => {
      const [connection] = server.accept();
      return connection;
    }).toThrow(
      expect.objectContaining({
        code: "ERR_INVALID_ARGUMENT",
        message:
          "accept() returns a Promise: did you forget `await`? Write `const [connection, clientAddress] = await server.accept()`",
      }),
    );
  });

  test("the same for a UDP recvfrom", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    await udp.bind(0);
    expect(() => {
      const [data] = udp.recvfrom(1024);
      return data;
    }).toThrow(/^recvfrom\(\) returns a Promise: did you forget `await`\?/);
  });

  test("awaited, accept resolves with the pair as before", async () => {
    const server = await listeningServer();
    const accepting = server.accept({ timeout: 5000 });
    await socket().connect(["127.0.0.1", server.localPort]);
    const [connection, address] = await accepting;
    expect(address).toEqual(connection.getpeername());
  });
});
