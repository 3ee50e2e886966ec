/**
 * The hosts file: the list of names this machine resolves by itself, before asking any name
 * server (on Linux and macOS /etc/hosts, on Windows C:\Windows\System32\drivers\etc\hosts).
 */
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";

/**
 * One line of the hosts file: an IP address and the names given to it.
 *
 * @example
 * const entry: HostsEntry = { address: "127.0.0.1", names: ["localhost"] };
 */
export interface HostsEntry {
  address: string;
  names: string[];
}

/**
 * Where this system keeps its hosts file.
 *
 * @example
 * hostsFilePath(); // "/etc/hosts" on Linux and macOS
 */
export function hostsFilePath(): string {
  return process.platform === "win32"
    ? `${process.env.SystemRoot ?? "C:\\Windows"}\\System32\\drivers\\etc\\hosts`
    : "/etc/hosts";
}

/**
 * Reads the hosts file (or the file at `path`): one entry per line that holds an IP address and at
 * least one name; comments (from "#") and blank or malformed lines are left out. A missing file
 * gives an empty list.
 *
 * @example
 * const entries = await readHostsFile();
 * entries.filter((e) => e.names.includes("localhost")); // e.g. [{ address: "127.0.0.1", names: ["localhost"] }]
 */
export async function readHostsFile(path: string = hostsFilePath()): Promise<HostsEntry[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return [];
    throw err;
  }
  return parseHostsFile(text);
}

/**
 * The entries of a hosts file's text (see {@link readHostsFile}).
 *
 * @example
 * parseHostsFile("127.0.0.1 localhost\n::1 localhost ip6-localhost # IPv6\n");
 * // [{ address: "127.0.0.1", names: ["localhost"] }, { address: "::1", names: ["localhost", "ip6-localhost"] }]
 */
export function parseHostsFile(text: string): HostsEntry[] {
  const entries: HostsEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [address, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (address && names.length > 0 && isIP(address) !== 0) entries.push({ address, names });
  }
  return entries;
}
