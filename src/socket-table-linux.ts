/**
 * Linux's socket table: /proc/net/tcp, tcp6, udp and udp6, one line per socket of this network
 * namespace, readable without privilege. Addresses are hexadecimal, each 32-bit word in the
 * machine's byte order (little-endian on x86 and ARM); states are the operating system's
 * numbers (include/net/tcp_states.h).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { endianness } from "node:os";

import { AF_INET, AF_INET6 } from "./constants";
import { misuse } from "./misuse";
import type { SocketTableRow, SocketTableState } from "./socket-table-row";

/** The TCP states by their number in /proc/net/tcp. */
const TCP_STATES: Record<number, SocketTableState> = {
  1: "ESTABLISHED",
  2: "SYN_SENT",
  3: "SYN_RECV",
  4: "FIN_WAIT1",
  5: "FIN_WAIT2",
  6: "TIME_WAIT",
  7: "CLOSE",
  8: "CLOSE_WAIT",
  9: "LAST_ACK",
  10: "LISTEN",
  11: "CLOSING",
  12: "SYN_RECV", // NEW_SYN_RECV: a connection request not yet a full socket
};

/**
 * Internal: the rows of one /proc/net file's text. `file` ("tcp", "tcp6", "udp", "udp6") says
 * which protocol and family its lines are.
 *
 * @example
 * parseProcNet("tcp", readFileSync("/proc/net/tcp", "utf8"));
 */
export function parseProcNet(
  file: "tcp" | "tcp6" | "udp" | "udp6",
  text: string,
  littleEndian = endianness() === "LE",
): SocketTableRow[] {
  const protocol = file.startsWith("tcp") ? "tcp" : "udp";
  const family = file.endsWith("6") ? AF_INET6 : AF_INET;
  const rows: SocketTableRow[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [localAddress, localPort] = hexAddress(fields[1], littleEndian, file);
    const [remoteAddress, remotePort] = hexAddress(fields[2], littleEndian, file);
    const st = Number.parseInt(fields[3], 16);
    const [tx, rx] = fields[4].split(":").map((h) => Number.parseInt(h, 16));
    const state: SocketTableState | undefined =
      protocol === "udp" ? (st === 1 ? "ESTABLISHED" : "UNCONN") : TCP_STATES[st];
    if (state === undefined || Number.isNaN(tx) || Number.isNaN(rx))
      throw misuse.socketTableUnreadable(`/proc/net/${file}`, line);
    rows.push({
      protocol,
      family,
      localAddress,
      localPort,
      remoteAddress,
      remotePort,
      state,
      recvQueue: rx,
      sendQueue: tx,
      inode: Number(fields[9]),
      owner: Number(fields[9]) === 0 ? "none" : "other",
    });
  }
  return rows;
}

/** "0100007F:1F90" -> ["127.0.0.1", 8080]. */
function hexAddress(field: string, littleEndian: boolean, file: string): [string, number] {
  const [hex, portHex] = field.split(":");
  if (!portHex || !/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32))
    throw misuse.socketTableUnreadable(`/proc/net/${file}`, field);
  const bytes = Buffer.from(hex, "hex");
  // Each 32-bit word is printed as a number in the machine's byte order.
  if (littleEndian) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  return [
    bytes.length === 4 ? [...bytes].join(".") : ipv6Text(bytes),
    Number.parseInt(portHex, 16),
  ];
}

/**
 * Internal: 16 bytes as an IPv6 address the way Node writes it: the longest run of zero groups
 * as "::" (RFC 5952), and an IPv4-mapped address as "::ffff:127.0.0.1".
 *
 * @example
 * ipv6Text(Buffer.from("00000000000000000000000000000001", "hex")); // "::1"
 */
export function ipv6Text(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff)
    return `::ffff:${[...b.subarray(12)].join(".")}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  const head = hex.slice(0, best).join(":");
  const tail = hex.slice(best + bestLength).join(":");
  return `${head}::${tail}`;
}

/**
 * Internal: every TCP and UDP socket of this machine's network namespace, from /proc/net, each
 * marked "this process" when its inode is one of this process's open file descriptors.
 *
 * @example
 * const rows = linuxSocketTable();
 */
export function linuxSocketTable(): SocketTableRow[] {
  const mine = ownSocketInodes();
  const rows: SocketTableRow[] = [];
  for (const file of ["tcp", "tcp6", "udp", "udp6"] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${file}`, "utf8");
    } catch {
      // A system without IPv6 has no tcp6 and udp6; without tcp, /proc is not mounted.
      if (file.endsWith("6")) continue;
      throw misuse.socketTableUnavailable(`/proc/net/${file} cannot be read (is /proc mounted?)`);
    }
    for (const row of parseProcNet(file, text)) {
      if (row.inode !== undefined && mine.has(row.inode)) row.owner = "this process";
      rows.push(row);
    }
  }
  return rows;
}

/** The inodes of this process's sockets: /proc/self/fd/N links to "socket:[inode]". */
function ownSocketInodes(): Set<number> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync("/proc/self/fd");
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // closed between the listing and the read
    }
  }
  return inodes;
}

/**
 * Internal: whether the TCP socket on file descriptor `fd` was reset, on Linux; undefined where
 * that cannot be read. A reset socket is in state CLOSE, which /proc/net/tcp does not list (a
 * peer's FIN leaves it in CLOSE_WAIT, listed). libuv reports a reset that arrives together with
 * data as a plain end of stream (it sees the hang-up after a short read and never asks for the
 * error), so the helper asks the system.
 *
 * @example
 * wasReset(raw._handle.fd, 4); // true after a peer's RST
 */
export function wasReset(fd: number, family: 4 | 6): boolean | undefined {
  try {
    const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
    if (!m) return undefined;
    const text = readFileSync(`/proc/net/${family === 6 ? "tcp6" : "tcp"}`, "utf8");
    return !text.includes(` ${m[1]} `);
  } catch {
    return undefined;
  }
}
