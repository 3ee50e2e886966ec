/**
 * Hostile input: what a learner (or a fuzzing classmate) may pass to the helper and to the two
 * echo programs. Every bad input must give at once a clear error with its own code (for the
 * programs: a one-line message and a non-zero exit status), and leave nothing open behind.
 *
 * No case may reach the network: a host name that passes the checks would be looked up by the
 * system's resolver, which can send a DNS query off this machine (even for the reserved
 * ".invalid" names; glibc does not special-case them). So every bad host here is one the helper
 * refuses before any lookup: not a name at all ("not a host", "a..b"), a mistyped IPv4 address
 * ("256.1.1.1"), longer than DNS allows, or of the wrong type or family.
 */
import { spawn } from "node:child_process";
import path from "node:path";

import { afterEach, describe, expect, test } from "vitest";
import { echoOnce, startEchoServer } from "../src/course/echo";
import { recvExactly, recvFramed, recvLine, sendFramed } from "../src/course/framing";
import { AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM } from "../src/sockets/constants";
import { closeAll, openSockets } from "../src/sockets/open-sockets";
import { socket } from "../src/sockets/socket";
import type { StreamSocket } from "../src/sockets/stream-socket";
import { decode, encode, Utf8StreamDecoder } from "../src/sockets/text";
import { connectedPair, listeningServer, refusedPort } from "./support/stream-pair";

const ROOT = path.resolve(import.meta.dirname, "..");

/** The sockets a case set up to reach the state it needs (closed after it, before the check). */
const setUp: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(setUp.splice(0).map((s) => s.close()));
  // Whatever the bad call did, it left no socket behind.
  const left = openSockets().map(String);
  await closeAll();
  expect(left).toEqual([]);
});

async function fresh(): Promise<StreamSocket> {
  const sock = socket();
  setUp.push(sock);
  return sock;
}

async function listening(): Promise<StreamSocket> {
  const server = await listeningServer();
  setUp.push(server);
  return server;
}

async function connected(): Promise<StreamSocket> {
  const { server, client, connection } = await connectedPair();
  setUp.push(server, client, connection);
  return client;
}

async function closed(): Promise<StreamSocket> {
  const client = await connected();
  await client.close();
  return client;
}

/** Anything, typed as what the API expects: these calls are wrong on purpose. */
const bad = <T>(value: unknown) => value as T;

type Case = [what: string, call: () => unknown, code: string, message: RegExp];

const PORT_MESSAGE = /ports are 16-bit numbers, an integer from 0 to 65535/;

const cases: Case[] = [
  // Ports
  [
    "bind to port -1",
    async () => (await fresh()).bind(["127.0.0.1", -1]),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  [
    "bind to port 65536",
    async () => (await fresh()).bind(["127.0.0.1", 65536]),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  [
    "bind to port 1.5",
    async () => (await fresh()).bind(["127.0.0.1", 1.5]),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  [
    "bind to port NaN",
    async () => (await fresh()).bind(["127.0.0.1", Number.NaN]),
    "ERR_INVALID_PORT",
    /NaN is not a port/,
  ],
  [
    'bind to port "abc"',
    async () => (await fresh()).bind(["127.0.0.1", bad("abc")]),
    "ERR_INVALID_PORT",
    /"abc" is not a port/,
  ],
  [
    'bind to port "80" (a string)',
    async () => (await fresh()).bind(["127.0.0.1", bad("80")]),
    "ERR_INVALID_PORT",
    /"80" is not a port/,
  ],
  [
    "bind to port Infinity",
    async () => (await fresh()).bind(Number.POSITIVE_INFINITY),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  [
    "connect to port -1",
    async () => (await fresh()).connect(["127.0.0.1", -1]),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  [
    "connect to port 65536",
    async () => (await fresh()).connect(["127.0.0.1", 65536]),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  [
    "connect to port 0",
    async () => (await fresh()).connect(["127.0.0.1", 0]),
    "ERR_INVALID_PORT",
    /port 0 means "any free port"/,
  ],
  [
    "connect to port null",
    async () => (await fresh()).connect(["127.0.0.1", bad(null)]),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  [
    "startEchoServer on port -1",
    () => startEchoServer({ port: -1 }),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  [
    "startEchoServer on port 1.5",
    () => startEchoServer({ port: 1.5 }),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  [
    'startEchoServer on port "abc"',
    () => startEchoServer({ port: bad("abc") }),
    "ERR_INVALID_PORT",
    /"abc" is not a port/,
  ],
  [
    "echoOnce to port NaN",
    () => echoOnce(["127.0.0.1", Number.NaN], "hi"),
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],
  ["echoOnce to port 65536", () => echoOnce(65536, "hi"), "ERR_INVALID_PORT", PORT_MESSAGE],
  [
    "UDP sendto port 70000",
    () => {
      const udp = socket(AF_INET, SOCK_DGRAM);
      setUp.push(udp);
      return udp.sendto(Buffer.from("x"), ["127.0.0.1", 70000]);
    },
    "ERR_INVALID_PORT",
    PORT_MESSAGE,
  ],

  // Hosts, all refused before any lookup
  [
    'bind to host "not a host"',
    async () => (await fresh()).bind(["not a host", 0]),
    "ERR_INVALID_HOST",
    /neither an IP address .* nor a host name/,
  ],
  [
    'connect to host "256.1.1.1"',
    async () => (await fresh()).connect(["256.1.1.1", 80]),
    "ERR_INVALID_HOST",
    /"256.1.1.1" is not an IPv4 address: four numbers from 0 to 255/,
  ],
  [
    'connect to host "127.0.0.1.5"',
    async () => (await fresh()).connect(["127.0.0.1.5", 80]),
    "ERR_INVALID_HOST",
    /is not an IPv4 address/,
  ],
  [
    'connect to host "127.0.0.1:80" (port in the host)',
    async () => (await fresh()).connect(["127.0.0.1:80", 80]),
    "ERR_INVALID_HOST",
    /neither an IP address/,
  ],
  [
    'connect to host "http://localhost"',
    async () => (await fresh()).connect(["http://localhost", 80]),
    "ERR_INVALID_HOST",
    /neither an IP address/,
  ],
  [
    'connect to host "a..b"',
    async () => (await fresh()).connect(["a..b", 80]),
    "ERR_INVALID_HOST",
    /neither an IP address/,
  ],
  [
    'connect to host " " (a space)',
    async () => (await fresh()).connect([" ", 80]),
    "ERR_INVALID_HOST",
    /neither an IP address/,
  ],
  [
    "connect to a host name of 300 characters",
    async () => (await fresh()).connect([`${"a".repeat(60)}.`.repeat(5), 80]),
    "ERR_INVALID_HOST",
    /at most 253 characters/,
  ],
  [
    "connect to a host name with 64 characters between dots",
    async () => (await fresh()).connect([`${"b".repeat(64)}.example`, 80]),
    "ERR_INVALID_HOST",
    /63 between two dots/,
  ],
  [
    "bind to host 123 (a number)",
    async () => (await fresh()).bind([bad(123), 0]),
    "ERR_INVALID_HOST",
    /must be a string/,
  ],
  [
    'bind an AF_INET socket to "::1"',
    async () => (await fresh()).bind(["::1", 0]),
    "ERR_INVALID_HOST",
    /IPv6 address but this is an AF_INET/,
  ],
  [
    'bind an AF_INET6 socket to "127.0.0.1"',
    () => {
      const sock = socket(AF_INET6, SOCK_STREAM);
      setUp.push(sock);
      return sock.bind(["127.0.0.1", 0]);
    },
    "ERR_INVALID_HOST",
    /IPv4 address but this is an AF_INET6 socket/,
  ],
  [
    'startEchoServer on host "not a host"',
    () => startEchoServer({ host: "not a host" }),
    "ERR_INVALID_HOST",
    /neither an IP address/,
  ],
  [
    'echoOnce to host "999.0.0.1"',
    () => echoOnce(["999.0.0.1", 12345], "hi"),
    "ERR_INVALID_HOST",
    /is not an IPv4 address/,
  ],

  // Wrong types
  [
    'socket("AF_INET4")',
    () => socket(bad("AF_INET4")),
    "ERR_INVALID_ARGUMENT",
    /family is AF_INET .* or AF_INET6/,
  ],
  [
    'socket(AF_INET, "SOCK_RAW")',
    () => socket(AF_INET, bad("SOCK_RAW")),
    "ERR_INVALID_ARGUMENT",
    /type is SOCK_STREAM .* or SOCK_DGRAM/,
  ],
  [
    'bind("127.0.0.1:0") (a string, not [host, port])',
    async () => (await fresh()).bind(bad("127.0.0.1:0")),
    "ERR_INVALID_ARGUMENT",
    /takes an address \[host, port\]/,
  ],
  [
    "bind({ host, port }) (an object)",
    async () => (await fresh()).bind(bad({ host: "127.0.0.1", port: 0 })),
    "ERR_INVALID_ARGUMENT",
    /takes an address \[host, port\]/,
  ],
  [
    "bind([host, port, extra])",
    async () => (await fresh()).bind(bad(["127.0.0.1", 0, 1])),
    "ERR_INVALID_ARGUMENT",
    /an array of 3/,
  ],
  [
    "bind([port, host]) (reversed)",
    async () => (await fresh()).bind(bad([0, "127.0.0.1"])),
    "ERR_INVALID_HOST",
    /must be a string/,
  ],
  [
    'send("text")',
    async () => (await connected()).send(bad("text")),
    "ERR_INVALID_ARGUMENT",
    /encode your text first/,
  ],
  [
    "send(null)",
    async () => (await connected()).send(bad(null)),
    "ERR_INVALID_ARGUMENT",
    /send takes bytes/,
  ],
  [
    "send([1, 2, 3]) (an array, not bytes)",
    async () => (await connected()).send(bad([1, 2, 3])),
    "ERR_INVALID_ARGUMENT",
    /send takes bytes/,
  ],
  [
    'recv("1024")',
    async () => (await connected()).recv(bad("1024")),
    "ERR_INVALID_ARGUMENT",
    /a whole number like recv\(1024\)/,
  ],
  ["recv(0)", async () => (await connected()).recv(0), "ERR_INVALID_ARGUMENT", /got 0/],
  ["recv(-1)", async () => (await connected()).recv(-1), "ERR_INVALID_ARGUMENT", /got -1/],
  ["recv(1.5)", async () => (await connected()).recv(1.5), "ERR_INVALID_ARGUMENT", /got 1.5/],
  [
    "recv(NaN)",
    async () => (await connected()).recv(Number.NaN),
    "ERR_INVALID_ARGUMENT",
    /got NaN/,
  ],
  [
    "recv with timeout -1",
    async () => (await connected()).recv(10, { timeout: -1 }),
    "ERR_INVALID_ARGUMENT",
    /timeout is a number of milliseconds greater than 0/,
  ],
  [
    'recv with timeout "1s"',
    async () => (await connected()).recv(10, { timeout: bad("1s") }),
    "ERR_INVALID_ARGUMENT",
    /got 1s/,
  ],
  [
    "accept with timeout 0",
    async () => (await listening()).accept({ timeout: 0 }),
    "ERR_INVALID_ARGUMENT",
    /greater than 0/,
  ],
  [
    "connect with timeout NaN",
    async () => (await fresh()).connect(["127.0.0.1", 9], { timeout: Number.NaN }),
    "ERR_INVALID_ARGUMENT",
    /got NaN/,
  ],
  [
    "listen(-1)",
    async () => {
      const sock = await fresh();
      await sock.bind(["127.0.0.1", 0]);
      return sock.listen(-1);
    },
    "ERR_INVALID_ARGUMENT",
    /a whole number like listen\(1\)/,
  ],
  [
    'listen("1")',
    async () => {
      const sock = await fresh();
      await sock.bind(["127.0.0.1", 0]);
      return sock.listen(bad("1"));
    },
    "ERR_INVALID_ARGUMENT",
    /a whole number like listen\(1\)/,
  ],
  [
    'shutdown("SHUT_BOTH")',
    async () => (await connected()).shutdown(bad("SHUT_BOTH")),
    "ERR_INVALID_ARGUMENT",
    /SHUT_RD, SHUT_WR or SHUT_RDWR/,
  ],
  [
    'startEchoServer with mode "twice"',
    () => startEchoServer({ mode: bad("twice") }),
    "ERR_INVALID_ARGUMENT",
    /mode is "once" or "until-eof"/,
  ],
  [
    "startEchoServer with recvSize 0",
    () => startEchoServer({ recvSize: 0 }),
    "ERR_INVALID_ARGUMENT",
    /recvSize is the largest number of bytes/,
  ],
  [
    "encode(42)",
    () => encode(bad(42)),
    "ERR_INVALID_ARGUMENT",
    /encode takes text \(a string\), not a number/,
  ],
  [
    'decode("already text")',
    () => decode(bad("already text")),
    "ERR_INVALID_ARGUMENT",
    /it is already text/,
  ],
  [
    "Utf8StreamDecoder.write(null)",
    () => new Utf8StreamDecoder().write(bad(null)),
    "ERR_INVALID_ARGUMENT",
    /takes bytes .* not null/,
  ],

  // Calls in the wrong order
  [
    "listen before bind",
    async () => (await fresh()).listen(1),
    "ERR_NOT_BOUND",
    /bind the socket to an address first/,
  ],
  [
    "accept before listen",
    async () => (await fresh()).accept(),
    "ERR_NOT_LISTENING",
    /call bind\(\.\.\.\) then listen\(\) first/,
  ],
  [
    "recv before connect",
    async () => (await fresh()).recv(10),
    "ERR_NOT_CONNECTED",
    /connect \(client\) or accept \(server\) first/,
  ],
  [
    "send before connect",
    async () => (await fresh()).send(Buffer.from("x")),
    "ERR_NOT_CONNECTED",
    /not connected/,
  ],
  [
    "shutdown before connect",
    async () => (await fresh()).shutdown("SHUT_WR"),
    "ERR_NOT_CONNECTED",
    /not connected/,
  ],
  [
    "recv on a listening socket",
    async () => (await listening()).recv(10),
    "ERR_NOT_CONNECTED",
    /use the connection that accept\(\) returned/,
  ],
  [
    "accept on a connected socket",
    async () => (await connected()).accept(),
    "ERR_NOT_LISTENING",
    /accept is for a server socket/,
  ],
  [
    "connect on a listening socket",
    async () => (await listening()).connect(["127.0.0.1", 9]),
    "ERR_ALREADY_LISTENING",
    /a client needs its own socket/,
  ],
  [
    "connect twice",
    async () => (await connected()).connect(["127.0.0.1", 9]),
    "ERR_ALREADY_CONNECTED",
    /a socket connects once/,
  ],
  [
    "bind twice",
    async () => {
      const sock = await fresh();
      await sock.bind(["127.0.0.1", 0]);
      return sock.bind(["127.0.0.1", 0]);
    },
    "ERR_ALREADY_BOUND",
    /a socket is bound once/,
  ],
  [
    "send after close",
    async () => (await closed()).send(Buffer.from("x")),
    "ERR_SOCKET_CLOSED",
    /the socket is closed; create a new one/,
  ],
  [
    "recv after close",
    async () => (await closed()).recv(10),
    "ERR_SOCKET_CLOSED",
    /the socket is closed/,
  ],
  [
    "connect after close",
    async () => (await closed()).connect(["127.0.0.1", 9]),
    "ERR_SOCKET_CLOSED",
    /the socket is closed/,
  ],
  [
    "getpeername before connect",
    async () => (await fresh()).getpeername(),
    "ERR_NOT_CONNECTED",
    /this socket has no peer/,
  ],
  [
    "UDP recvfrom before bind",
    () => {
      const udp = socket(AF_INET, SOCK_DGRAM);
      setUp.push(udp);
      return udp.recvfrom(10);
    },
    "ERR_NOT_BOUND",
    /bind first/,
  ],

  // Oversize messages and sizes
  [
    "a UDP datagram of 70,000 bytes",
    async () => {
      const udp = socket(AF_INET, SOCK_DGRAM);
      setUp.push(udp);
      return udp.sendto(Buffer.alloc(70_000), ["127.0.0.1", await refusedPort()]);
    },
    "EMSGSIZE",
    /65,507 bytes/,
  ],
  [
    "recvLine of a 70 KB line (more than the default 64 KiB)",
    async () => {
      const client = await connected();
      const connection = setUp[setUp.length - 1] as StreamSocket;
      void client.send(Buffer.alloc(70_000, 0x61)).catch(() => {});
      return recvLine(connection, { timeout: 10_000 });
    },
    "ERR_FRAME_TOO_LARGE",
    /longer than maxBytes allows/,
  ],
  [
    "recvFramed of a frame announcing 1 GiB",
    async () => {
      const client = await connected();
      const connection = setUp[setUp.length - 1] as StreamSocket;
      const header = Buffer.alloc(4);
      header.writeUInt32BE(2 ** 30, 0);
      await client.send(header);
      return recvFramed(connection, { timeout: 10_000 });
    },
    "ERR_FRAME_TOO_LARGE",
    /announces a 1,073,741,824 bytes message/,
  ],
  [
    "recvFramed with maxBytes -1",
    async () => recvFramed(await connected(), { maxBytes: -1 }),
    "ERR_INVALID_ARGUMENT",
    /maxBytes is the largest payload accepted/,
  ],
  [
    "recvExactly(-1)",
    async () => recvExactly(await connected(), -1),
    "ERR_INVALID_ARGUMENT",
    /n is the number of bytes to receive/,
  ],
  [
    'sendFramed("text")',
    async () => sendFramed(await connected(), bad("text")),
    "ERR_INVALID_ARGUMENT",
    /encode your text first/,
  ],
];

describe("bad input to the helper", () => {
  test(`there are at least 30 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases.map(([what, call, code, message]) => ({ what, call, code, message })))(
    "$what: $code",
    async ({ call, code, message }) => {
      const error = await (async () => call())().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error, "the call should have failed").toBeInstanceOf(Error);
      expect((error as { code?: string }).code).toBe(code);
      expect((error as Error).message).toMatch(message);
    },
  );

  test("closing twice is harmless, for a socket, a listener and an echo server", async () => {
    const client = await connected();
    await client.close();
    await expect(client.close()).resolves.toBeUndefined();
    const server = await listening();
    await Promise.all([server.close(), server.close()]);
    const echo = await startEchoServer();
    await echo.close();
    await expect(echo.close()).resolves.toBeUndefined();
  });

  test('the lecture\'s empty host "" is all interfaces, not an error: a refused connect names the address', async () => {
    const port = await refusedPort();
    await expect((await fresh()).connect(["", port], { timeout: 5000 })).rejects.toMatchObject({
      code: "ECONNREFUSED",
      message: expect.stringMatching(/nothing is listening/),
    });
  });
});

/** Runs an echo program to its end (bounded); resolves with its status and output. */
function program(
  name: "echo-server" | "echo-client",
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["scripts/launch.mjs", `scripts/bin/${name}.ts`, ...args],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    // A program that does not end by itself on bad input is a failure: kill it, status null.
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (status) => {
      clearTimeout(killer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe("bad input to the echo programs", () => {
  test.each([
    ["echo-server", ["--port=-1"], 2, /--port "-1" is not a port: ports are 16-bit numbers/],
    ["echo-server", ["--port", "65536"], 2, /--port "65536" is not a port/],
    ["echo-server", ["--port", "1.5"], 2, /--port "1.5" is not a port/],
    ["echo-server", ["--port", "NaN"], 2, /--port "NaN" is not a port/],
    ["echo-server", ["--port", "abc"], 2, /--port "abc" is not a port/],
    [
      "echo-server",
      ["--host", "256.1.1.1", "--port", "0"],
      2,
      /"256.1.1.1" is not an IPv4 address/,
    ],
    ["echo-server", ["--host", "not a host", "--port", "0"], 2, /neither an IP address/],
    ["echo-server", ["--bogus"], 2, /unknown option '--bogus'/],
    ["echo-client", ["--port", "0", "hi"], 2, /--port 0 means "any free port"/],
    [
      "echo-client",
      ["--timeout", "abc", "hi"],
      2,
      /--timeout "abc" is not a number of milliseconds/,
    ],
    ["echo-client", ["--host", "a..b", "hi"], 2, /neither an IP address/],
    ["echo-client", [], 2, /give the message to send/],
  ] as const)(
    "%s %j exits with status %i and says why in its first line",
    async (name, args, status, message) => {
      const run = await program(name, [...args]);
      expect(run.status).toBe(status);
      expect(run.stderr.split("\n")[0]).toMatch(message);
      expect(run.stdout).toBe("");
    },
    30_000,
  );

  test("the client exits with status 1 and one line when nothing listens, even on the empty host", async () => {
    const port = await refusedPort();
    for (const host of ["127.0.0.1", ""]) {
      const run = await program("echo-client", ["--host", host, "--port", String(port), "hi"]);
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(/ECONNREFUSED .*nothing is listening/);
    }
  }, 60_000);
});
