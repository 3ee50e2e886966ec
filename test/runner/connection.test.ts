import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { expect, test } from "vitest";
import { freePorts, writeConnectionFile } from "../../scripts/runner/connection";

test("freePorts returns distinct loopback ports that can be listened on", async () => {
  const ports = await freePorts(5);
  expect(new Set(ports).size).toBe(5);
  for (const port of ports) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  }
});

test("writeConnectionFile writes loopback ports and a fresh 256-bit key that only its owner can read", async () => {
  const first = await writeConnectionFile();
  const second = await writeConnectionFile();
  try {
    const info = JSON.parse(await readFile(first.path, "utf8"));
    expect(info).toEqual(first.info);
    expect(info).toMatchObject({
      transport: "tcp",
      ip: "127.0.0.1",
      signature_scheme: "hmac-sha256",
    });
    expect(info.key).toMatch(/^[0-9a-f]{64}$/);
    expect(second.info.key).not.toBe(first.info.key);
    expect((await stat(first.path)).mode & 0o077).toBe(0);
  } finally {
    await first.remove();
    await second.remove();
  }
  await expect(stat(first.path)).rejects.toMatchObject({ code: "ENOENT" });
});
