import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_STREAM } from "../../src/sockets/constants";
import { closeAll } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";
import { socketTable } from "../../src/system/socket-table";
import { type Program, startProgram, stop } from "../support/processes";

const PYTHON = "/usr/bin/python3";
const pythonMissing = !existsSync(PYTHON);
if (pythonMissing) console.warn(`skipping the Python TIME_WAIT tests: ${PYTHON} is not there`);
const linuxOnly = process.platform !== "linux";
if (linuxOnly) console.warn("skipping the TIME_WAIT tests: they read /proc/net/tcp (Linux)");

const root = path.resolve(__dirname, "../..");
const echoServerPy = path.join(root, "notebooks/python/echo_server.py");
const lecture = readFileSync(echoServerPy, "utf8");
const creation = "sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n";
/** Lesson 06's one added line: SO_REUSEADDR before bind. */
const withReuse = lecture.replace(
  creation,
  `${creation}sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n`,
);

const children: Program[] = [];

afterEach(async () => {
  await closeAll();
  await Promise.all(children.splice(0).map((p) => stop(p.child)));
});

/** A port the system picks free now, then used as a fixed port would be. */
async function freePort(): Promise<number> {
  const picker = socket(AF_INET, SOCK_STREAM);
  await picker.bind(["127.0.0.1", 0]);
  await picker.listen(1);
  const port = picker.localPort;
  await picker.close();
  return port;
}

/** One echo client, as in lesson 06: the server closes first, so its side ends in TIME_WAIT. */
async function oneClient(port: number): Promise<void> {
  const client = socket(AF_INET, SOCK_STREAM);
  await client.connect(["127.0.0.1", port], { timeout: 10_000 });
  await client.send(Buffer.from("hello"));
  expect((await client.recv(1024, { timeout: 10_000 })).toString()).toBe("hello");
  expect((await client.recv(1024, { timeout: 10_000 })).length).toBe(0);
  await client.close();
}

/** Waits until the system lists a TIME_WAIT connection on the server's side of `port`. */
async function timeWaitOn(port: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (socketTable({ port }).rows.some((r) => r.state === "TIME_WAIT" && r.localPort === port))
      return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no TIME_WAIT on port ${port}: ${JSON.stringify(socketTable({ port }).rows)}`);
}

/** Runs `python -u program PORT 127.0.0.1` until it listens or fails; returns its last line. */
async function startPython(program: string[], port: number): Promise<string> {
  const python = startProgram(PYTHON, ["-u", ...program, String(port), "127.0.0.1"], {
    cwd: root,
  });
  children.push(python);
  await Promise.race([python.waitFor(/listening on/), python.exited]);
  return `${python.stdout()}${python.stderr()}`.trim().split("\n").pop() ?? "";
}

describe.skipIf(linuxOnly)("restarting a server while its last connection is in TIME_WAIT", () => {
  test("the helper's server restarts at once: Node sets SO_REUSEADDR on every listening socket", async () => {
    const port = await freePort();
    const server = socket(AF_INET, SOCK_STREAM);
    await server.bind(["127.0.0.1", port]);
    await server.listen(1);
    const serving = server.accept({ timeout: 10_000 }).then(async ([connection]) => {
      await connection.send(await connection.recv(1024, { timeout: 10_000 }));
      await connection.close(); // the server closes first, as the lecture's does
    });
    await oneClient(port);
    await serving;
    await server.close();
    await timeWaitOn(port);

    const again = socket(AF_INET, SOCK_STREAM);
    await again.bind(["127.0.0.1", port]);
    await again.listen(1);
    expect(again.localPort).toBe(port);
  });

  test.skipIf(pythonMissing)(
    "the lecture's echo_server.py cannot: [Errno 98] Address already in use, even for a restart with SO_REUSEADDR (on Linux both must set it)",
    async () => {
      const port = await freePort();
      expect(await startPython([echoServerPy], port)).toBe(`listening on 127.0.0.1:${port}`);
      await oneClient(port);
      await stop(children[0].child);
      await timeWaitOn(port);

      expect(await startPython([echoServerPy], port)).toMatch(
        /OSError: \[Errno 98\] Address already in use/,
      );
      expect(await startPython(["-c", withReuse], port)).toMatch(
        /OSError: \[Errno 98\] Address already in use/,
      );
    },
  );

  test.skipIf(pythonMissing)(
    "with SO_REUSEADDR set by the server that made the connection and by the new one, it restarts at once",
    async () => {
      const port = await freePort();
      expect(await startPython(["-c", withReuse], port)).toBe(`listening on 127.0.0.1:${port}`);
      await oneClient(port);
      await stop(children[0].child);
      await timeWaitOn(port);

      expect(await startPython(["-c", withReuse], port)).toBe(`listening on 127.0.0.1:${port}`);
    },
  );
});
