import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM, SOCK_STREAM } from "../src/constants";
import { socket } from "../src/socket";
import { closeAll } from "../src/tracker";
import { listeningServer } from "./support/stream-pair";

afterEach(async () => {
  await closeAll();
});

const failure = (run: () => Promise<unknown>) =>
  run().then(
    () => undefined,
    (e: { code: string; message: string }) => e,
  );

describe("a call made before connect or listen has finished (a forgotten await)", () => {
  test("send while connect is pending says connect() has not finished and asks about await", async () => {
    const server = await listeningServer();
    const client = socket(AF_INET, SOCK_STREAM);
    const connecting = client.connect(["127.0.0.1", server.localPort]);
    expect(client.state).toBe("connecting");
    const err = await failure(() => client.send(Buffer.from("hi")));
    expect(err).toMatchObject({ code: "ERR_NOT_CONNECTED" });
    expect(err?.message).toBe(
      "send: connect() has not finished yet: did you forget `await`? (`await sock.connect(...)` waits until it has)",
    );
    await connecting;
  });

  test("recv while connect is pending says the same, named recv", async () => {
    const server = await listeningServer();
    const client = socket(AF_INET, SOCK_STREAM);
    const connecting = client.connect(["127.0.0.1", server.localPort]);
    const err = await failure(() => client.recv(1024));
    expect(err?.message).toMatch(
      /^recv: connect\(\) has not finished yet: did you forget `await`\?/,
    );
    await connecting;
  });

  test("a listening socket between listen() and its completion is listen-pending, not connecting", async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["127.0.0.1", 0]);
    const listening = server.listen(1);
    expect(server.state).toBe("listen-pending");
    const err = await failure(() => server.accept());
    expect(err).toMatchObject({ code: "ERR_NOT_LISTENING" });
    expect(err?.message).toMatch(
      /^accept: listen\(\) has not finished yet: did you forget `await`\?/,
    );
    await listening;
    expect(server.state).toBe("listening");
  });

  test("connect on a socket whose listen is pending says it is a listening socket", async () => {
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["127.0.0.1", 0]);
    const listening = server.listen(1);
    expect(await failure(() => server.connect(["127.0.0.1", 9]))).toMatchObject({
      code: "ERR_ALREADY_LISTENING",
    });
    await listening;
  });

  test("connect again while the first connect is pending asks about await", async () => {
    const server = await listeningServer();
    const client = socket(AF_INET, SOCK_STREAM);
    const connecting = client.connect(["127.0.0.1", server.localPort]);
    const err = await failure(() => client.connect(["127.0.0.1", server.localPort]));
    expect(err?.message).toMatch(/^connect: connect\(\) has not finished yet/);
    await connecting;
  });

  test("a UDP send while its connect is pending asks about await", async () => {
    const server = socket(AF_INET, SOCK_DGRAM);
    await server.bind(0);
    const client = socket(AF_INET, SOCK_DGRAM);
    const connecting = client.connect(["127.0.0.1", server.localPort]);
    const err = await failure(() => client.send(Buffer.from("hi")));
    expect(err?.message).toMatch(
      /^send: connect\(\) has not finished yet: did you forget `await`\?/,
    );
    await connecting;
  });

  test("a UDP recvfrom while bind is pending asks about await", async () => {
    const udp = socket(AF_INET, SOCK_DGRAM);
    const binding = udp.bind(0);
    const err = await failure(() => udp.recvfrom(10));
    expect(err).toMatchObject({ code: "ERR_NOT_BOUND" });
    expect(err?.message).toMatch(
      /^recvfrom: bind\(\) has not finished yet: did you forget `await`\?/,
    );
    await binding;
  });
});

const ss = existsSync("/usr/bin/ss") ? "/usr/bin/ss" : undefined;
if (!ss) console.warn("skipping the listen backlog test against ss: /usr/bin/ss is not there");

describe("listen's backlog", () => {
  test.each([
    [1, 511],
    [0, 511],
    [511, 511],
    [1000, 1000],
  ])("listen(%i) asks the system for %i, readable as backlog", async (asked, system) => {
    const server = socket(AF_INET, SOCK_STREAM);
    expect(server.backlog).toBeUndefined();
    await server.bind(["127.0.0.1", 0]);
    await server.listen(asked);
    expect(server.backlog).toBe(system);
  });

  test.skipIf(!ss)(
    "the system's queue is as long as backlog says, as ss shows it (Send-Q of LISTEN)",
    async () => {
      const server = await listeningServer();
      const out = execFileSync(ss as string, ["-ltnH", `sport = :${server.localPort}`], {
        encoding: "utf8",
      });
      const [, , sendQ] = out.trim().split(/\s+/);
      const somaxconn = Number(
        execFileSync("cat", ["/proc/sys/net/core/somaxconn"], { encoding: "utf8" }),
      );
      expect(Number(sendQ)).toBe(Math.min(server.backlog as number, somaxconn));
    },
  );
});
