import { createServer } from "node:net";

import { expect, test } from "vitest";

import { ipv6Loopback } from "../src/ipv6-loopback";

/** What the system itself says: can a server listen on ::1? */
function systemSays(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(0, "::1", () => server.close(() => resolve(true)));
  });
}

test("ipv6Loopback says what listening on ::1 really does on this machine", async () => {
  const status = await ipv6Loopback();
  expect(status.available).toBe(await systemSays());
  if (status.available) expect(status.reason).toBe("");
  else expect(status.reason).toMatch(/no IPv6 loopback: listening on ::1 failed with E/);
});

const servers = () => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

test("ipv6Loopback leaves nothing listening", async () => {
  await settle();
  const before = servers();
  await ipv6Loopback();
  expect(servers()).toBe(before);
});
