/**
 * The two echo programs run as real processes, as a student runs them in two terminals.
 * Servers always listen on port 0 (any free port) and the tests read the port they print.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { type Program, startProgram } from "../support/processes";
import { refusedPort } from "../support/stream-pair";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const PYTHON = "/usr/bin/python3";
/** The lecture's Python programs, as the lessons run them. */
const LECTURE_PYTHON = path.join(ROOT, "notebooks", "python");

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});

function run(command: string, args: string[], input?: string): Program {
  const program = startProgram(command, args, { cwd: ROOT, input });
  running.push(program.child);
  return program;
}

/** One of the echo programs, run as `npm run` runs it (scripts/launch.mjs), without npm. */
function program(name: "echo-server" | "echo-client", ...args: string[]): Program {
  return run(process.execPath, ["scripts/launch.mjs", `scripts/bin/${name}.ts`, ...args]);
}

/** Starts the echo server on a free port and returns it with that port. */
async function startServer(): Promise<{ server: Program; port: number }> {
  const server = program("echo-server", "--port", "0");
  const match = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
  return { server, port: Number(match[1]) };
}

function has(command: string, ...args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore", timeout: 5000 });
    return true;
  } catch (err) {
    // Exits non-zero (nc -h does) but exists.
    return (err as { code?: string }).code !== "ENOENT";
  }
}

const ncMissing = !has("nc", "-h");
// -N (close the connection after the input ends) is the OpenBSD netcat's; others lack it.
const ncNotOpenBsd =
  ncMissing || !execFileSync("sh", ["-c", "nc -h 2>&1 || true"]).toString().includes("OpenBSD");
const pythonMissing = !has(PYTHON, "--version");
if (ncNotOpenBsd)
  console.warn(
    "skipping the netcat tests: OpenBSD netcat (nc) is not installed (apt-get install netcat-openbsd)",
  );
if (pythonMissing) console.warn(`skipping the Python tests: ${PYTHON} is not there`);

describe("npm run echo-server and echo-client", () => {
  test("the server prints where it listens and the client prints the echoed reply", async () => {
    const { server, port } = await startServer();
    const client = program("echo-client", "--port", String(port), "hello");
    expect(await client.exited).toBe(0);
    expect(client.stdout()).toBe('received "hello"\n');
    await server.waitFor(/received "hello"/);
    expect(server.stdout()).toMatch(/connection from 127\.0\.0\.1:\d+\nreceived "hello"\n/);
  });

  test("a second client is served by the same server without restarting it", async () => {
    const { server, port } = await startServer();
    for (const word of ["first", "second"]) {
      const client = program("echo-client", "--port", String(port), word);
      expect(await client.exited).toBe(0);
      expect(client.stdout()).toBe(`received "${word}"\n`);
    }
    await server.waitFor(/received "second"/);
    expect(server.stdout().match(/connection from/g)).toHaveLength(2);
    expect(server.child.exitCode).toBeNull();
  });

  test("several words are sent as one message and UTF-8 text comes back intact", async () => {
    const { port } = await startServer();
    const client = program("echo-client", "--port", String(port), "héllo", "wörld", "🙂");
    expect(await client.exited).toBe(0);
    expect(client.stdout()).toBe('received "héllo wörld 🙂"\n');
  });

  test("Ctrl-C (SIGINT) stops the server cleanly with status 0", async () => {
    const { server } = await startServer();
    server.child.kill("SIGINT");
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toMatch(/Ctrl-C: closing the echo server\necho server stopped\n$/);
    expect(server.stderr()).toBe("");
  });

  test("SIGTERM stops the server cleanly with status 0", async () => {
    const { server } = await startServer();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toMatch(/echo server stopped\n$/);
  });

  test("the port is free again once the server has stopped", async () => {
    const { server, port } = await startServer();
    server.child.kill("SIGINT");
    await server.exited;
    const client = program("echo-client", "--port", String(port), "anyone?");
    expect(await client.exited).toBe(1);
    expect(client.stderr()).toMatch(/ECONNREFUSED/);
  });

  test("the client says in one line that nothing listens, and exits with status 1", async () => {
    const port = await refusedPort();
    const client = program("echo-client", "--port", String(port), "hello");
    expect(await client.exited).toBe(1);
    expect(client.stdout()).toBe("");
    const lines = client.stderr().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `echo-client: connect ECONNREFUSED 127.0.0.1:${port}: nothing is listening on 127.0.0.1:${port}; start the server first (and check the port)`,
    );
  });

  test("the server reports a port already in use in one line and exits with status 1", async () => {
    const { port } = await startServer();
    const second = program("echo-server", "--port", String(port));
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(
      /^echo-server: listen EADDRINUSE .*choose another port with --port\)\n$/,
    );
  });

  // Every wrong argument is checked in test/echo-args.test.ts; here, that the programs act on it.
  test.each([
    ["echo-server", ["--port", "70000"], /--port "70000" is not a port: ports are 16-bit numbers/],
    ["echo-client", ["--verbose", "hi"], /unknown option '--verbose'/],
    ["echo-client", [], /give the message to send/],
  ] as const)("%s %j prints the usage and exits with status 2", async (name, args, message) => {
    const p = program(name, ...args);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(message);
    expect(p.stderr()).toContain(`usage: npm run ${name} --`);
    expect(p.stdout()).toBe("");
  });

  test("an invalid host is a usage error of the server", async () => {
    const p = program("echo-server", "--host", "no such host!", "--port", "0");
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/"no such host!" is neither an IP address .* nor a host name/);
  });

  test("--help prints the usage and exits with status 0", async () => {
    const p = program("echo-client", "--help");
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toContain("usage: npm run echo-client --");
  });
});

describe("the echo programs and other peers", () => {
  test.skipIf(ncNotOpenBsd)("netcat as a client gets its line echoed by the server", async () => {
    const { server, port } = await startServer();
    // -N: close the sending side when the input ends, so the server sees a whole message.
    const nc = run("nc", ["-N", "127.0.0.1", String(port)], "from netcat\n");
    expect(await nc.exited).toBe(0);
    expect(nc.stdout()).toBe("from netcat\n");
    await server.waitFor(/received "from netcat\n"/);
  });

  test.skipIf(ncNotOpenBsd)("the client talks to netcat listening as a server", async () => {
    const nc = run("nc", ["-v", "-N", "-l", "127.0.0.1", "0"], "reply from netcat\n");
    const match = await new Promise<RegExpMatchArray>((resolve) => {
      const check = () => {
        const m = nc.stderr().match(/Listening on \S+ (\d+)/);
        if (m) resolve(m);
        else setTimeout(check, 10);
      };
      check();
    });
    // The message is longer than netcat's reply: the client reads until netcat closes (-N).
    const client = program("echo-client", "--port", match[1], "hello from the echo client");
    expect(await client.exited).toBe(0);
    expect(client.stdout()).toBe('received "reply from netcat\n"\n');
    expect(await nc.exited).toBe(0);
    expect(nc.stdout()).toBe("hello from the echo client");
  });

  test.skipIf(pythonMissing)(
    "the lecture's Python client is served by the echo server",
    async () => {
      const { server, port } = await startServer();
      const python = run(PYTHON, [
        "-u",
        path.join(LECTURE_PYTHON, "echo_client.py"),
        String(port),
        "127.0.0.1",
        "from python",
      ]);
      expect(await python.exited).toBe(0);
      expect(python.stdout()).toBe('received "from python"\n');
      await server.waitFor(/received "from python"/);
    },
  );

  test.skipIf(pythonMissing)(
    "the echo client is served by the lecture's Python server",
    async () => {
      const python = run(PYTHON, [
        "-u",
        path.join(LECTURE_PYTHON, "echo_server.py"),
        "0",
        "127.0.0.1",
      ]);
      const port = (await python.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1];
      for (const word of ["first", "second"]) {
        const client = program("echo-client", "--port", port, word);
        expect(await client.exited).toBe(0);
        expect(client.stdout()).toBe(`received "${word}"\n`);
      }
      await python.waitFor(/received "second"/);
      expect(python.stdout()).toContain('received "first"\nreceived "second"\n');
    },
  );
});
