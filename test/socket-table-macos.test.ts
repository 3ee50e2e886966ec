import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, test } from "vitest";

import { AF_INET, AF_INET6 } from "../src/constants";
import { parseNetstat } from "../src/socket-table-macos";

// Text in the columns macOS's `netstat -an -p tcp` / `-p udp` prints (Apple's network_cmds).
const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "fixtures", "socket-table", name), "utf8");

describe("parseNetstat", () => {
  test("reads TCP rows: dotted ports, any addresses, BSD state names in Linux's spelling", () => {
    const rows = parseNetstat(fixture("netstat-tcp.txt"));
    expect(
      rows.map((r) => [
        r.family,
        r.localAddress,
        r.localPort,
        r.remoteAddress,
        r.remotePort,
        r.state,
      ]),
    ).toEqual([
      [AF_INET, "127.0.0.1", 53861, "127.0.0.1", 12345, "ESTABLISHED"],
      [AF_INET, "127.0.0.1", 12345, "127.0.0.1", 53861, "ESTABLISHED"],
      [AF_INET, "127.0.0.1", 12345, "127.0.0.1", 53718, "CLOSE_WAIT"],
      [AF_INET, "127.0.0.1", 53718, "127.0.0.1", 12345, "FIN_WAIT2"],
      [AF_INET, "127.0.0.1", 53700, "127.0.0.1", 12345, "TIME_WAIT"],
      [AF_INET, "127.0.0.1", 12345, "0.0.0.0", 0, "LISTEN"],
      [AF_INET6, "::", 5000, "::", 0, "LISTEN"],
      [AF_INET6, "::1", 7777, "::", 0, "LISTEN"],
      [AF_INET6, "fe80::1%lo0", 7777, "fe80::1%lo0", 60001, "SYN_RECV"],
      [AF_INET, "192.168.1.3", 60320, "44.195.16.138", 443, "FIN_WAIT1"],
    ]);
    expect(rows[2]).toMatchObject({
      protocol: "tcp",
      recvQueue: 1,
      sendQueue: 0,
      inode: undefined,
    });
    expect(rows[9].sendQueue).toBe(37);
  });

  test("reads UDP rows, which have no state column: UNCONN, or ESTABLISHED with a peer", () => {
    const rows = parseNetstat(fixture("netstat-udp.txt"));
    expect(rows.map((r) => [r.protocol, r.family, r.localPort, r.remotePort, r.state])).toEqual([
      ["udp", AF_INET, 5353, 0, "UNCONN"],
      ["udp", AF_INET, 61234, 9999, "ESTABLISHED"],
      ["udp", AF_INET6, 5353, 0, "UNCONN"],
    ]);
  });

  test("a TCP row with a state it does not know is refused, naming the line", () => {
    expect(() => parseNetstat("tcp4  0  0  127.0.0.1.1  *.*  WEIRD\n")).toThrow(
      expect.objectContaining({
        code: "ERR_NOT_SUPPORTED",
        message: expect.stringContaining("WEIRD"),
      }),
    );
  });
});
