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
    expect(err.nodeSyscall).toBe("connect");
  });

  test("says what the error means after the system's words", () => {
    const err = systemError("ECONNREFUSED", "connect", "127.0.0.1", 4000);
    expect(err.message).toBe(
      "connect ECONNREFUSED 127.0.0.1:4000: nothing is listening on 127.0.0.1:4000; start the server first (and check the port)",
    );
  });

  test("names the call the student made, not Node's, and keeps Node's in nodeSyscall and cause", () => {
    const nodeError = Object.assign(new Error("write EPIPE"), {
      code: "EPIPE",
      errno: -32,
      syscall: "write",
    });
    const err = toSocketError(nodeError, "send", "127.0.0.1", 4000) as SocketError;
    expect(err).toMatchObject({ code: "EPIPE", errno: -32, syscall: "send", nodeSyscall: "write" });
    expect(err.message).toMatch(
      /^send EPIPE 127\.0\.0\.1:4000: the connection is closed for sending/,
    );
    expect(err.cause).toBe(nodeError);
    expect(nodeError).toMatchObject({ syscall: "write", message: "write EPIPE" });
  });

  test("fills in the address and port Node's error lacks", () => {
    const nodeError = Object.assign(new Error("read ECONNRESET"), {
      code: "ECONNRESET",
      syscall: "read",
    });
    const err = toSocketError(nodeError, "recv", "127.0.0.1", 4000) as SocketError;
    expect(err).toMatchObject({
      syscall: "recv",
      nodeSyscall: "read",
      address: "127.0.0.1",
      port: 4000,
    });
    expect(err.message).toMatch(/^recv ECONNRESET 127\.0\.0\.1:4000: the other side reset/);
  });

  test("keeps the address and port Node gave over the ones the call fills in", () => {
    const nodeError = Object.assign(new Error("bind EADDRINUSE 127.0.0.1:5000"), {
      code: "EADDRINUSE",
      syscall: "bind",
      address: "127.0.0.1",
      port: 5000,
    });
    const err = toSocketError(nodeError, "connect", "127.0.0.1", 4000) as SocketError;
    expect(err).toMatchObject({ syscall: "connect", address: "127.0.0.1", port: 5000 });
  });

  test("keeps Node's own message when it has no hint to add", () => {
    const err = systemError("ENOBUFS", "send");
    expect(err.hint).toBe("");
    expect(err.message).toMatch(/^send ENOBUFS: /);
  });

  test("puts the student's call in front of Node's own message when it has no hint to add", () => {
    const nodeError = Object.assign(new Error("write ENOBUFS: no buffer space available"), {
      code: "ENOBUFS",
      syscall: "write",
    });
    const err = toSocketError(nodeError, "send") as SocketError;
    expect(err.hint).toBe("");
    expect(err.message).toBe("send ENOBUFS: no buffer space available");
  });

  test("the hint follows Node's system call: EADDRNOTAVAIL of a connect's bind is about the address", () => {
    const nodeError = Object.assign(new Error("bind EADDRNOTAVAIL 203.0.113.1"), {
      code: "EADDRNOTAVAIL",
      syscall: "bind",
      address: "203.0.113.1",
    });
    const err = toSocketError(nodeError, "connect") as SocketError;
    expect(err.syscall).toBe("connect");
    expect(err.hint).toMatch(/203\.0\.113\.1 is not an address of this machine/);
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
      "listen EACCES 127.0.0.1:80: ports 0-1023 are well-known ports reserved for system services: on Linux, binding a port below net.ipv4.ip_unprivileged_port_start (1024 unless changed) needs administrator rights; use a port from 1024 to 65535, or 0 for any free port",
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
      /already uses 127\.0\.0\.1:4000: a server from an earlier cell.*SO_REUSEPORT.*TIME_WAIT.*SO_REUSEADDR.*closeAll\(\).*port 0/,
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

  test("names a SocketError that recv reported after send when send meets it, same cause and fields", () => {
    const nodeError = Object.assign(new Error("read ECONNRESET"), {
      code: "ECONNRESET",
      errno: -104,
      syscall: "read",
    });
    const seenByRecv = toSocketError(nodeError, "recv", "127.0.0.1", 4000) as SocketError;
    const seenBySend = toSocketError(seenByRecv, "send") as SocketError;
    expect(seenBySend).toBeInstanceOf(SocketError);
    expect(seenBySend).toMatchObject({
      code: "ECONNRESET",
      errno: -104,
      syscall: "send",
      nodeSyscall: "read",
      address: "127.0.0.1",
      port: 4000,
      hint: seenByRecv.hint,
    });
    expect(seenBySend.message).toMatch(/^send ECONNRESET 127\.0\.0\.1:4000: the other side reset/);
    expect(seenBySend.cause).toBe(nodeError);
    expect(seenByRecv.syscall).toBe("recv");
  });

  test("returns a SocketError unchanged for the call that reported it, or with no call named", () => {
    const err = systemError("ECONNRESET", "recv", "127.0.0.1", 4000);
    expect(toSocketError(err, "recv")).toBe(err);
    expect(toSocketError(err)).toBe(err);
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
