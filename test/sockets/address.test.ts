import { describe, expect, test } from "vitest";

import {
  anyHost,
  defaultHost,
  hostsOverlap,
  parseAddress,
  validateHost,
  validatePort,
} from "../../src/sockets/address";
import { AF_INET, AF_INET6 } from "../../src/sockets/constants";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe("validatePort", () => {
  test.each([0, 1, 1023, 1024, 12345, 65535])("accepts %d", (port) => {
    expect(validatePort(port, "bind")).toBe(port);
  });

  test.each([-1, 65536, 70000, 1.5, Number.NaN, "12345", null])(
    "rejects %s with ERR_INVALID_PORT",
    (port) => {
      expect(codeOf(() => validatePort(port, "bind"))).toBe("ERR_INVALID_PORT");
    },
  );

  test("says that ports are 16-bit numbers", () => {
    expect(() => validatePort(70000, "bind")).toThrow(
      "bind: 70000 is not a port: ports are 16-bit numbers, an integer from 0 to 65535",
    );
  });

  test("rejects port 0 as a destination, pointing at the server's real port", () => {
    expect(() => validatePort(0, "connect", true)).toThrow(/server\.localPort/);
  });
});

describe("validateHost", () => {
  test.each(["127.0.0.1", "localhost", "example.org", ""])("accepts %j on AF_INET", (host) => {
    expect(validateHost(host, AF_INET, "bind")).toBe(host);
  });

  test("rejects an IPv6 address on an AF_INET socket, suggesting AF_INET6", () => {
    expect(() => validateHost("::1", AF_INET, "bind")).toThrow(/socket\(AF_INET6/);
    expect(codeOf(() => validateHost("::1", AF_INET, "bind"))).toBe("ERR_INVALID_HOST");
  });

  test("rejects an IPv4 address on an AF_INET6 socket", () => {
    expect(codeOf(() => validateHost("127.0.0.1", AF_INET6, "bind"))).toBe("ERR_INVALID_HOST");
  });

  test.each(["127.0.0.1 ", "http://localhost", "a..b", 42])(
    "rejects %j with ERR_INVALID_HOST",
    (host) => {
      expect(codeOf(() => validateHost(host, AF_INET, "connect"))).toBe("ERR_INVALID_HOST");
    },
  );
});

describe("parseAddress", () => {
  test("gives a bare port the loopback host", () => {
    expect(parseAddress(0, AF_INET, "bind")).toEqual(["127.0.0.1", 0]);
    expect(parseAddress(8080, AF_INET6, "bind")).toEqual(["::1", 8080]);
  });

  test("keeps the lecture's explicit empty host", () => {
    expect(parseAddress(["", 12345], AF_INET, "bind")).toEqual(["", 12345]);
  });

  test("rejects what is not [host, port] with ERR_INVALID_ARGUMENT", () => {
    expect(codeOf(() => parseAddress("127.0.0.1:80", AF_INET, "connect"))).toBe(
      "ERR_INVALID_ARGUMENT",
    );
    expect(codeOf(() => parseAddress(["127.0.0.1"], AF_INET, "connect"))).toBe(
      "ERR_INVALID_ARGUMENT",
    );
  });

  test("rejects port 0 for a destination", () => {
    expect(codeOf(() => parseAddress(["127.0.0.1", 0], AF_INET, "connect", true))).toBe(
      "ERR_INVALID_PORT",
    );
  });
});

describe("default and all-interfaces hosts", () => {
  test("the default host is loopback", () => {
    expect(defaultHost(AF_INET)).toBe("127.0.0.1");
    expect(defaultHost(AF_INET6)).toBe("::1");
  });

  test("all interfaces is 0.0.0.0 or ::", () => {
    expect(anyHost(AF_INET)).toBe("0.0.0.0");
    expect(anyHost(AF_INET6)).toBe("::");
  });
});

describe("hostsOverlap", () => {
  test.each([
    ["127.0.0.1", "127.0.0.1", true],
    ["0.0.0.0", "127.0.0.1", true],
    ["localhost", "127.0.0.1", true],
    ["::", "127.0.0.1", true],
    ["::1", "127.0.0.1", false],
    ["0.0.0.0", "::1", false],
    ["127.0.0.2", "127.0.0.1", false],
  ])("%s and %s overlap: %s", (a, b, expected) => {
    expect(hostsOverlap(a, b)).toBe(expected);
  });
});
