import path from "node:path";
import { inspect } from "node:util";

import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM, SOCK_STREAM } from "../src/constants";
import { studentFrames } from "../src/error-view";
import { socket } from "../src/socket";
import { closeAll } from "../src/tracker";
import { refusedPort } from "./support/stream-pair";

afterEach(async () => {
  await closeAll();
});

const thisFile = /error-view\.test\.ts:\d+:\d+/;

describe("how a notebook prints the helper's errors", () => {
  test("a refused connect prints its message and the caller's line, none of the helper's or Node's", async () => {
    const port = await refusedPort();
    const err = await socket(AF_INET, SOCK_STREAM)
      .connect(["127.0.0.1", port])
      .catch((e: Error) => e);
    const lines = inspect(err).split("\n");
    expect(lines[0]).toBe(
      `SocketError: connect ECONNREFUSED 127.0.0.1:${port}: nothing is listening on 127.0.0.1:${port}; start the server first (and check the port)`,
    );
    expect(lines[1]).toMatch(thisFile);
    expect(lines.slice(1).every((l) => !/[\\/]src[\\/]|node:|\[cause\]|hint:/.test(l))).toBe(true);
    // Everything stays on the error for whoever wants it.
    expect((err as Error & { cause: unknown }).cause).toBeInstanceOf(Error);
  });

  test("a misuse error prints its code, message and the caller's line first", async () => {
    const err = await socket(AF_INET, SOCK_STREAM)
      .send(Buffer.from("x"))
      .catch((e: Error) => e);
    const lines = inspect(err).split("\n");
    expect(lines[0]).toBe(
      "SocketUsageError [ERR_NOT_CONNECTED]: send: the socket is not connected; connect (client) or accept (server) first",
    );
    expect(lines[1]).toMatch(thisFile);
  });

  test("an error a UDP send meets later names the caller's line too", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    const err = await udp.sendto(Buffer.alloc(70_000), ["127.0.0.1", 9]).catch((e: Error) => e);
    expect(inspect(err).split("\n")[1]).toMatch(thisFile);
  });

  test("tslab's frames and the wrapper around a cell are dropped; the cell's own line stays", () => {
    const stack = [
      "SocketUsageError: send: the socket is not connected",
      `    at StreamSocket.send (${path.join(__dirname, "..", "src", "stream-socket.js")}:243:27)`,
      "    at evalmachine.<anonymous>:6:35",
      "    at evalmachine.<anonymous>:8:3",
      "    at sigintHandlersWrap (node:vm:280:12)",
      "    at Script.runInThisContext (node:vm:135:14)",
      "    at Object.execute (/course/node_modules/tslab/dist/executor.js:160:38)",
    ].join("\n");
    expect(studentFrames(stack)).toEqual(["    at evalmachine.<anonymous>:6:35"]);
  });
});
