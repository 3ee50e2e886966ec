/**
 * The operating system's view: which TCP and UDP sockets exist, in which state, with how many
 * bytes waiting, as `ss -tuan` (Linux) or `netstat -an` (macOS) show them. The helper's calls
 * say what a program asked for; this table says what the system did about it (the LISTEN row
 * after listen, the accept queue, TIME_WAIT after close).
 */
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { misuse } from "../errors/misuse";
import { formatAddress } from "../errors/socket-error";
import { AF_INET6 } from "../sockets/constants";
import { rememberPort, usedPort } from "../sockets/internal/tracker";
import { linuxSocketTable } from "./socket-table-linux";
import { macosSocketTable } from "./socket-table-macos";
import type { SocketTableRow } from "./socket-table-row";

export type { SocketOwner, SocketTableRow, SocketTableState } from "./socket-table-row";

/**
 * Which sockets {@link socketTable} lists.
 *
 * @example
 * socketTable({ port: 12345 });            // every process's sockets on port 12345
 * socketTable({ protocol: "udp" });        // this process's UDP sockets
 * socketTable({ all: true });              // the whole machine
 */
export interface SocketTableFilter {
  /**
   * Only sockets whose local or remote port is this one, whichever process holds them (a
   * server in another program, a Python child process).
   * @default undefined: this process's sockets only
   */
  port?: number;
  /**
   * Only TCP or only UDP sockets.
   * @default undefined: both
   */
  protocol?: "tcp" | "udp";
  /**
   * Every socket of the machine (with `port`: every socket on that port, the default anyway).
   * @default false
   */
  all?: boolean;
}

/**
 * The rows of {@link socketTable}, and how to show them: a notebook prints it as an aligned
 * text table headed by the equivalent command line; `rows` are plain objects for tests and
 * scripts.
 *
 * @example
 * const table = socketTable({ port: server.localPort });
 * table;                                   // printed as a table in a notebook
 * table.rows.map((row) => row.state);      // ["LISTEN"]
 * table.command;                           // "ss -tuan 'sport = :40123 or dport = :40123'"
 */
export class SocketTable {
  constructor(
    /** One plain object per socket, listening and unconnected sockets first, then by port. */
    readonly rows: SocketTableRow[],
    /** The command line that shows the same in a terminal. */
    readonly command: string,
    /** What the table shows, in words. */
    readonly title: string,
  ) {}

  /**
   * The table as aligned text: a title line, the equivalent command, then one line per socket.
   *
   * @example
   * console.log(socketTable().toString());
   */
  toString(): string {
    const header = [
      "Netid",
      "State",
      "Recv-Q",
      "Send-Q",
      "Local Address:Port",
      "Peer Address:Port",
      "Process",
    ];
    const lines = this.rows.map((r) => [
      r.protocol,
      r.state,
      String(r.recvQueue),
      String(r.sendQueue),
      formatAddress(r.localAddress, r.localPort),
      r.remotePort === 0
        ? `${formatAddress(r.remoteAddress, 0).slice(0, -1)}*`
        : formatAddress(r.remoteAddress, r.remotePort),
      r.owner === "none" ? "(none)" : r.owner,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const numeric = new Set([2, 3]);
    const format = (cells: string[]) =>
      cells
        .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join("  ")
        .trimEnd();
    const body = lines.length === 0 ? ["(no sockets)"] : lines.map(format);
    return [this.title, `same as: ${this.command}`, format(header), ...body].join("\n");
  }

  /** A notebook shows the text table rather than the object. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * This machine's TCP and UDP sockets as the operating system lists them: protocol, family,
 * local and remote address and port, state, and the receive and send queues (see
 * {@link SocketTableRow}). By default only this process's own sockets (this notebook's Jupyter
 * kernel, or this script), including connections it closed that the system still finishes
 * (TIME_WAIT, FIN_WAIT2, ...: no process owns those, they are shown when they are on a port
 * this process used); the Jupyter kernel's own ZeroMQ ports, which connect it to the notebook,
 * are left out. `port` shows every process's sockets on that port, `all` every socket.
 *
 * Linux reads /proc/net/tcp, tcp6, udp and udp6 (no privilege needed; what `ss -tuan` shows);
 * macOS runs `netstat -an` (which does not say which process holds a socket: there "this
 * process" means a port a socket of the helper held). Other systems throw ERR_NOT_SUPPORTED.
 * It reads the table at the moment of the call: a state that changes a moment later (a FIN
 * still on its way) shows in the next call.
 *
 * Node accepts every connection from the system as soon as it arrives (the helper keeps it
 * until accept()), so the helper's LISTEN row shows 0 waiting connections where a Python server
 * that does not call accept shows its queue growing.
 *
 * @example
 * const server = socket(AF_INET, SOCK_STREAM);
 * await server.bind(["127.0.0.1", 0]);
 * await server.listen(1);
 * socketTable();                              // this notebook's sockets: the LISTEN row
 * socketTable({ port: server.localPort });    // everyone's sockets on the server's port
 * socketTable({ protocol: "tcp" }).rows.map((row) => row.state);
 */
export function socketTable(filter: SocketTableFilter = {}): SocketTable {
  const { port, protocol, all } = checkFilter(filter);
  const rows = systemRows();
  for (const r of rows) if (r.owner === "this process") rememberPort(r.protocol, r.localPort);
  const shown = rows.filter((r) => {
    if (protocol !== undefined && r.protocol !== protocol) return false;
    if (port !== undefined) return r.localPort === port || r.remotePort === port;
    if (all) return true;
    if (r.protocol === "tcp" && kernelPorts().has(r.localPort)) return false;
    return r.owner === "this process" || (r.owner === "none" && usedPort(r.protocol, r.localPort));
  });
  shown.sort(byKind);
  return new SocketTable(shown, commandFor(port, protocol, all), titleFor(port, protocol, all));
}

let kernelPortsRead: Set<number> | undefined;

function kernelPorts(): Set<number> {
  kernelPortsRead ??= jupyterKernelPorts(process.argv);
  return kernelPortsRead;
}

/**
 * Internal: the Jupyter kernel's own TCP ports (ZeroMQ: shell, iopub, stdin, control,
 * heartbeat), from the connection file Jupyter started it with (`--config-path FILE` for tslab,
 * `-f FILE` for others); empty outside a Jupyter kernel. They are plumbing between the notebook
 * and the Jupyter kernel, not the lesson's sockets, so the default table leaves them out.
 *
 * @example
 * jupyterKernelPorts(["node", "tslab", "kernel", "--config-path", "/tmp/kernel-1.json"]);
 */
export function jupyterKernelPorts(argv: readonly string[]): Set<number> {
  const ports = new Set<number>();
  const at = argv.findIndex((a) => a === "--config-path" || a === "-f");
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (!file?.endsWith(".json")) return ports;
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    for (const key of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"]) {
      if (typeof info[key] === "number") ports.add(info[key] as number);
    }
  } catch {
    // Not a connection file after all: nothing to leave out.
  }
  return ports;
}

function checkFilter(filter: unknown): SocketTableFilter {
  if (typeof filter !== "object" || filter === null) throw misuse.badTableFilter(filter);
  const { port, protocol, all } = filter as Record<string, unknown>;
  const known = new Set(["port", "protocol", "all"]);
  for (const key of Object.keys(filter)) if (!known.has(key)) throw misuse.badTableFilter(filter);
  if (
    port !== undefined &&
    (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
  )
    throw misuse.badTableFilter(filter);
  if (protocol !== undefined && protocol !== "tcp" && protocol !== "udp")
    throw misuse.badTableFilter(filter);
  if (all !== undefined && typeof all !== "boolean") throw misuse.badTableFilter(filter);
  return filter as SocketTableFilter;
}

function systemRows(): SocketTableRow[] {
  if (process.platform === "linux") return linuxSocketTable();
  if (process.platform === "darwin") {
    const rows = macosSocketTable();
    for (const r of rows) if (usedPort(r.protocol, r.localPort)) r.owner = "this process";
    return rows;
  }
  throw misuse.socketTableUnavailable(
    `on ${process.platform} there is neither /proc/net (Linux) nor the netstat of macOS; use the system's own tool (Windows: netstat -an)`,
  );
}

const FIRST = new Set(["LISTEN", "UNCONN"]);

/** TCP before UDP, listening and unconnected sockets first, then by local and remote port. */
function byKind(a: SocketTableRow, b: SocketTableRow): number {
  return (
    a.protocol.localeCompare(b.protocol) ||
    Number(FIRST.has(b.state)) - Number(FIRST.has(a.state)) ||
    a.localPort - b.localPort ||
    a.remotePort - b.remotePort ||
    Number(a.family === AF_INET6) - Number(b.family === AF_INET6)
  );
}

function commandFor(port?: number, protocol?: string, all?: boolean): string {
  if (process.platform === "darwin") {
    const p = protocol ?? "tcp";
    const base = `netstat -an -p ${p}${protocol ? "" : "; netstat -an -p udp"}`;
    if (port !== undefined) return `netstat -an | grep '\\.${port} '`;
    return all ? base : `lsof -a -i -n -P -p ${process.pid}`;
  }
  const flags = protocol === "tcp" ? "-tan" : protocol === "udp" ? "-uan" : "-tuan";
  if (port !== undefined) return `ss ${flags} 'sport = :${port} or dport = :${port}'`;
  return all ? `ss ${flags}` : `ss ${flags}p | grep 'pid=${process.pid},'`;
}

function titleFor(port?: number, protocol?: string, all?: boolean): string {
  const what = protocol === undefined ? "TCP and UDP sockets" : `${protocol.toUpperCase()} sockets`;
  if (port !== undefined) return `${what} on port ${port}, of every process`;
  if (all) return `${what} of this machine`;
  return `${what} of this process (pid ${process.pid}), and its closed connections the system still finishes`;
}
