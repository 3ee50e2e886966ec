import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, test } from "vitest";

import { AF_INET, AF_INET6 } from "../src/constants";
import { ipv6Text, parseProcNet } from "../src/socket-table-linux";

// Lines as Linux 6.x writes them (the LISTEN, ESTABLISHED and tcp6 lines captured here on
// loopback; the others written in the same format for states a capture cannot hold still).
const fixture = (name: string) =>
  readFileSync(path.join(__dirname, "fixtures", "socket-table", name), "utf8");

describe("parseProcNet", () => {
  test("reads IPv4 addresses written little-endian, ports, states and both queues", () => {
    const rows = parseProcNet("tcp", fixture("proc-net-tcp.txt"), true);
    expect(
      rows.map((r) => [r.localAddress, r.localPort, r.remoteAddress, r.remotePort, r.state]),
    ).toEqual([
      ["127.0.0.1", 12345, "0.0.0.0", 0, "LISTEN"],
      ["127.0.0.1", 44108, "127.0.0.1", 12345, "ESTABLISHED"],
      ["127.0.0.1", 12345, "127.0.0.1", 44109, "CLOSE_WAIT"],
      ["127.0.0.1", 44109, "127.0.0.1", 12345, "FIN_WAIT2"],
      ["192.168.0.2", 22, "192.168.0.100", 50000, "ESTABLISHED"],
    ]);
    expect(rows[0]).toMatchObject({
      protocol: "tcp",
      family: AF_INET,
      recvQueue: 3,
      sendQueue: 0,
      inode: 51234,
    });
    expect(rows[2]).toMatchObject({ recvQueue: 1, sendQueue: 0 });
    expect(rows[4]).toMatchObject({ recvQueue: 0, sendQueue: 3000 });
  });

  test("a row with inode 0 is owned by no process; the others by some process until matched", () => {
    const rows = parseProcNet("tcp", fixture("proc-net-tcp.txt"), true);
    expect(rows.map((r) => r.owner)).toEqual(["other", "other", "other", "none", "other"]);
  });

  test("reads IPv6 rows: the any address, IPv4-mapped addresses and TIME_WAIT", () => {
    const rows = parseProcNet("tcp6", fixture("proc-net-tcp6.txt"), true);
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
      [AF_INET6, "::", 33675, "::", 0, "LISTEN"],
      [AF_INET6, "::ffff:127.0.0.1", 33675, "::ffff:127.0.0.1", 44108, "ESTABLISHED"],
      [AF_INET6, "::1", 8080, "::1", 54321, "TIME_WAIT"],
    ]);
  });

  test("UDP rows are UNCONN, or ESTABLISHED once connected", () => {
    const rows = parseProcNet("udp", fixture("proc-net-udp.txt"), true);
    expect(rows.map((r) => [r.protocol, r.localPort, r.remotePort, r.state, r.recvQueue])).toEqual([
      ["udp", 55713, 0, "UNCONN", 0],
      ["udp", 55714, 55713, "ESTABLISHED", 768],
    ]);
  });

  test("on a big-endian machine the words are read as written", () => {
    const text =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 7F000001:3039 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7 1\n";
    expect(parseProcNet("tcp", text, false)[0]).toMatchObject({
      localAddress: "127.0.0.1",
      localPort: 12345,
    });
  });

  test("a line in a format it does not know is refused, naming the file and the line", () => {
    const text =
      "header\n   0: 0100007F:3039 00000000:0000 FF 00000000:00000000 00:00000000 00000000 0 0 7 1\n";
    expect(() => parseProcNet("tcp", text, true)).toThrow(
      expect.objectContaining({
        code: "ERR_NOT_SUPPORTED",
        message: expect.stringContaining("/proc/net/tcp"),
      }),
    );
  });
});

describe("ipv6Text", () => {
  test.each([
    ["00000000000000000000000000000001", "::1"],
    ["00000000000000000000000000000000", "::"],
    ["fe800000000000000000000000000001", "fe80::1"],
    ["20010db8000000010000000000000001", "2001:db8:0:1::1"],
    ["20010db8000100010001000100010001", "2001:db8:1:1:1:1:1:1"],
    ["00000000000000000000ffff7f000001", "::ffff:127.0.0.1"],
  ])("%s is written %s", (hex, text) => {
    expect(ipv6Text(Buffer.from(hex, "hex"))).toBe(text);
  });
});
