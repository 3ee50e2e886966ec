import { describe, expect, test } from "vitest";

import {
  formatAddress,
  hintFor,
  SocketError,
  SocketUsageError,
  systemError,
  toSocketError,
} from "../src/errors";

describe("SocketError", () => {
  test("keeps Node's code, syscall, address, port and errno, and the Node error as cause", () => {
    const nodeError = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4000"), {
      code: "ECONNREFUSED",
      errno: -111,
      syscall: "connect",
      address: "127.0.0.1",
      port: 4000,
    });
    const err = toSocketError(nodeError) as SocketError;
    expect(err).toBeInstanceOf(SocketError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("SocketError");
    expect(err).toMatchObject({
      code: "ECONNREFUSED",
      errno: -111,
      syscall: "connect",
      address: "127.0.0.1",
      port: 4000,
    });
    expect(err.cause).toBe(nodeError);
  });

  test("says what the error means after the system's words", () => {
    const err = systemError("ECONNREFUSED", "connect", "127.0.0.1", 4000);
    expect(err.message).toBe(
      "connect ECONNREFUSED 127.0.0.1:4000: nothing is listening on 127.0.0.1:4000; start the server first (and check the port)",
    );
  });

  test("fills in the syscall, address and port Node's error lacks", () => {
    const nodeError = Object.assign(new Error("read ECONNRESET"), {
      code: "ECONNRESET",
      syscall: "read",
    });
    const err = toSocketError(nodeError, "recv", "127.0.0.1", 4000) as SocketError;
    expect(err).toMatchObject({ syscall: "read", address: "127.0.0.1", port: 4000 });
    expect(err.message).toMatch(/^read ECONNRESET 127\.0\.0\.1:4000: the other side reset/);
  });

  test("keeps Node's own message when it has no hint to add", () => {
    const err = systemError("ENOBUFS", "send");
    expect(err.hint).toBe("");
    expect(err.message).toMatch(/^send ENOBUFS: /);
  });
});

describe("systemError", () => {
  test("builds the error this system reports, with its errno and its description", () => {
    const err = systemError("EACCES", "listen", "127.0.0.1", 80);
    expect(err.errno).toBe(-13);
    expect((err.cause as Error).message).toBe("listen EACCES: permission denied 127.0.0.1:80");
  });

  test("wrapping a real EACCES system error made by systemError gives the well-known ports hint", () => {
    const err = systemError("EACCES", "listen", "127.0.0.1", 80);
    expect(err.message).toBe(
      "listen EACCES 127.0.0.1:80: ports 0-1023 are well-known ports reserved for system services and need administrator rights; use a port from 1024 to 65535, or 0 for any free port",
    );
  });

  test("gives ENOTFOUND the errno of getaddrinfo's 'unknown node'", () => {
    const err = systemError("ENOTFOUND", "getaddrinfo", "no-such-host");
    expect(err.code).toBe("ENOTFOUND");
    expect(err.errno).toBe(-3008);
  });
});

describe("hintFor", () => {
  test.each([
    [
      "ECONNREFUSED",
      "connect",
      /nothing is listening on 127\.0\.0\.1:4000; start the server first/,
    ],
    [
      "EADDRINUSE",
      "listen",
      /already listening on 127\.0\.0\.1:4000, often a server from an earlier cell.*closeAll\(\).*port 0/,
    ],
    ["ECONNRESET", "read", /reset the connection/],
    ["ETIMEDOUT", "connect", /no answer from 127\.0\.0\.1:4000/],
    ["EPIPE", "send", /closed for sending.*shutdown\(SHUT_WR\)/],
    ["EADDRNOTAVAIL", "listen", /127\.0\.0\.1 is not an address of this machine/],
    ["EMSGSIZE", "send", /at most 65,507 bytes/],
  ])("explains %s in plain words", (code, syscall, expected) => {
    expect(hintFor(code, syscall, "127.0.0.1", 4000)).toMatch(expected);
  });

  test("explains ENOTFOUND by naming the host that could not be resolved", () => {
    expect(hintFor("ENOTFOUND", "getaddrinfo", "exmaple.test")).toBe(
      'the name "exmaple.test" could not be turned into an address; check its spelling, or use an IP address such as 127.0.0.1',
    );
  });

  test("explains EACCES on a port above 1023 without talking about well-known ports", () => {
    expect(hintFor("EACCES", "listen", "127.0.0.1", 8080)).not.toMatch(/well-known/);
  });

  test("explains EADDRNOTAVAIL on connect as running out of local ports", () => {
    expect(hintFor("EADDRNOTAVAIL", "connect", "127.0.0.1", 4000)).toMatch(/no free local port/);
  });

  test("has nothing to add for codes it does not know", () => {
    expect(hintFor("EWHATEVER", "connect")).toBe("");
  });
});

describe("toSocketError", () => {
  test("returns usage errors unchanged", () => {
    const usage = new SocketUsageError("ERR_NOT_CONNECTED", "recv: not connected");
    expect(toSocketError(usage)).toBe(usage);
  });

  test("returns errors that are not system errors unchanged", () => {
    const plain = new TypeError("nope");
    expect(toSocketError(plain)).toBe(plain);
    const nodeCode = Object.assign(new Error("x"), { code: "ERR_STREAM_DESTROYED" });
    expect(toSocketError(nodeCode)).toBe(nodeCode);
  });

  test("turns a thrown non-Error into an Error", () => {
    expect(toSocketError("boom")).toBeInstanceOf(Error);
  });
});

describe("SocketUsageError", () => {
  test("has a name, its own code and the message", () => {
    const err = new SocketUsageError("ERR_INVALID_PORT", "bad port");
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({
      name: "SocketUsageError",
      code: "ERR_INVALID_PORT",
      message: "bad port",
    });
  });
});

describe("formatAddress", () => {
  test("writes IPv4 as host:port", () => {
    expect(formatAddress("127.0.0.1", 4000)).toBe("127.0.0.1:4000");
  });

  test("writes IPv6 in brackets", () => {
    expect(formatAddress("::1", 4000)).toBe("[::1]:4000");
  });
});
