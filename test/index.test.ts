import { expect, test } from "vitest";

import * as lib from "../src/index";

test("the library exports its version", () => {
  expect(lib.VERSION).toMatch(/^\d+\.\d+\.\d+$/);
});

test("the library exports the lecture's names", () => {
  for (const name of [
    "socket",
    "AF_INET",
    "AF_INET6",
    "SOCK_STREAM",
    "SOCK_DGRAM",
    "SHUT_RD",
    "SHUT_WR",
    "SHUT_RDWR",
    "closeAll",
    "openSockets",
    "StreamSocket",
    "DatagramSocket",
    "SocketError",
    "SocketUsageError",
    "systemError",
    "socketTable",
    "SocketTable",
  ]) {
    expect(lib, name).toHaveProperty(name);
  }
});
