import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect, test } from "vitest";

import { hostsFilePath, parseHostsFile, readHostsFile } from "../src/hosts-file";

test("parseHostsFile keeps each address with its names, without comments", () => {
  const text = [
    "# The following lines are desirable for IPv6 capable hosts",
    "127.0.0.1\tlocalhost",
    "::1     localhost ip6-localhost ip6-loopback  # loopback",
    "",
    "   ",
    "10.0.0.5 files.example files",
  ].join("\n");
  expect(parseHostsFile(text)).toEqual([
    { address: "127.0.0.1", names: ["localhost"] },
    { address: "::1", names: ["localhost", "ip6-localhost", "ip6-loopback"] },
    { address: "10.0.0.5", names: ["files.example", "files"] },
  ]);
});

test("parseHostsFile leaves out lines without a name or without an IP address", () => {
  expect(parseHostsFile("127.0.0.1\nlocalhost 127.0.0.1\n999.1.1.1 bad\r\n::1 ok\r\n")).toEqual([
    { address: "::1", names: ["ok"] },
  ]);
});

test("readHostsFile reads the file it is given", async () => {
  const folder = await mkdtemp(path.join(tmpdir(), "hosts-"));
  try {
    const file = path.join(folder, "hosts");
    await writeFile(file, "127.0.0.1 localhost\n");
    expect(await readHostsFile(file)).toEqual([{ address: "127.0.0.1", names: ["localhost"] }]);
    expect(await readHostsFile(path.join(folder, "missing"))).toEqual([]);
  } finally {
    await rm(folder, { recursive: true });
  }
});

test("readHostsFile reads this machine's hosts file, which names localhost", async () => {
  if (process.platform !== "win32") expect(hostsFilePath()).toBe("/etc/hosts");
  const entries = await readHostsFile();
  expect(entries.some((e) => e.names.includes("localhost"))).toBe(true);
});
