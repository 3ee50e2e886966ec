/**
 * macOS's socket table: `netstat -an -p tcp` and `netstat -an -p udp` (the system has no
 * /proc). Addresses are written "127.0.0.1.5000" (the port after the last dot), "*.5000" for
 * any address, "*.*" for no peer.
 */
import { execFileSync } from "node:child_process";

import { AF_INET, AF_INET6 } from "./constants";
import { misuse } from "./misuse";
import type { SocketTableRow, SocketTableState } from "./socket-table-row";

/** netstat's (BSD's) state names in Linux's spelling. */
const STATES: Record<string, SocketTableState> = {
  LISTEN: "LISTEN",
  SYN_SENT: "SYN_SENT",
  SYN_RCVD: "SYN_RECV",
  ESTABLISHED: "ESTABLISHED",
  CLOSE_WAIT: "CLOSE_WAIT",
  FIN_WAIT_1: "FIN_WAIT1",
  CLOSING: "CLOSING",
  LAST_ACK: "LAST_ACK",
  FIN_WAIT_2: "FIN_WAIT2",
  TIME_WAIT: "TIME_WAIT",
  CLOSED: "CLOSE",
};

/**
 * Internal: the rows of `netstat -an -p tcp` or `-p udp` output. Every row's owner is "other":
 * netstat does not say which process holds a socket.
 *
 * @example
 * parseNetstat(execFileSync("netstat", ["-an", "-p", "tcp"], { encoding: "utf8" }));
 */
export function parseNetstat(text: string): SocketTableRow[] {
  const rows: SocketTableRow[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const proto = /^(tcp|udp)(4|6|46)$/.exec(fields[0] ?? "");
    if (!proto || fields.length < 5) continue;
    const protocol = proto[1] as "tcp" | "udp";
    const family = proto[2] === "4" ? AF_INET : AF_INET6;
    const [localAddress, localPort] = netstatAddress(fields[3], family, line);
    const [remoteAddress, remotePort] = netstatAddress(fields[4], family, line);
    let state: SocketTableState | undefined;
    if (protocol === "tcp") state = STATES[fields[5] ?? ""];
    else state = remotePort === 0 ? "UNCONN" : "ESTABLISHED";
    const recvQueue = Number(fields[1]);
    const sendQueue = Number(fields[2]);
    if (state === undefined || !Number.isInteger(recvQueue) || !Number.isInteger(sendQueue))
      throw misuse.socketTableUnreadable("netstat -an", line);
    rows.push({
      protocol,
      family,
      localAddress,
      localPort,
      remoteAddress,
      remotePort,
      state,
      recvQueue,
      sendQueue,
      inode: undefined,
      owner: "other",
    });
  }
  return rows;
}

/** "127.0.0.1.5000" -> ["127.0.0.1", 5000]; "*.5000" -> any address; "*.*" -> no peer. */
function netstatAddress(field: string, family: string, line: string): [string, number] {
  const dot = field.lastIndexOf(".");
  if (dot < 0) throw misuse.socketTableUnreadable("netstat -an", line);
  const host = field.slice(0, dot);
  const port = field.slice(dot + 1);
  const any = family === AF_INET ? "0.0.0.0" : "::";
  return [host === "*" ? any : host, port === "*" ? 0 : Number(port)];
}

/**
 * Internal: every TCP and UDP socket of this machine, from netstat.
 *
 * @example
 * const rows = macosSocketTable();
 */
export function macosSocketTable(): SocketTableRow[] {
  const rows: SocketTableRow[] = [];
  for (const protocol of ["tcp", "udp"]) {
    let text: string;
    try {
      text = execFileSync("netstat", ["-an", "-p", protocol], {
        encoding: "utf8",
        timeout: 10_000,
      });
    } catch {
      throw misuse.socketTableUnavailable("`netstat -an` could not be run (it is in /usr/sbin)");
    }
    rows.push(...parseNetstat(text));
  }
  return rows;
}
