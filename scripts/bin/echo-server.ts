/**
 * The lecture's echo_server.py as a program: run it in one terminal, the client in another.
 *
 *   npm run echo-server -- [--host HOST] [--port PORT]
 *
 * Prints where it listens, then for each client: the connection, what it received (as the
 * lecture prints it: received "..."), echoes it back and closes that connection, ready for the
 * next client. Ctrl-C (SIGINT) or SIGTERM closes it and exits with status 0.
 * Exit status 1: the server could not start (port in use...); 2: wrong arguments.
 */
import { type EchoServer, startEchoServer } from "../../src/course/echo";
import { formatAddress } from "../../src/errors/socket-error";
import { argsOrExitStatus, usage } from "../echo/args";

const PROGRAM = "echo-server";
const USAGE_CODES = ["ERR_INVALID_HOST", "ERR_INVALID_PORT", "ERR_INVALID_ARGUMENT"];

async function main(argv: string[]): Promise<number> {
  const args = argsOrExitStatus(PROGRAM, argv);
  if (typeof args === "number") return args;

  // The signal handlers come first: until a handler exists, a Ctrl-C ends the process at once,
  // so one that came just after "listening" was printed would kill the server mid-way.
  let stopping = false;
  let server: EchoServer | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130); // a second Ctrl-C while closing: stop waiting
    stopping = true;
    console.log(`\n${signal === "SIGINT" ? "Ctrl-C" : signal}: closing the echo server`);
    void server?.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    try {
      server = await startEchoServer({
        host: args.host,
        port: args.port,
        onConnection: (client) => console.log(`connection from ${formatAddress(...client)}`),
        // The lecture's line: print('received "%s"' % data.decode("utf-8"))
        onMessage: ({ text }) => console.log(`received "${text}"`),
        onError: (error, client) => {
          const who = client ? `client ${formatAddress(...client)}: ` : "";
          console.error(`${PROGRAM}: ${who}${error.message}`);
        },
      });
    } catch (err) {
      return reportStartFailure(err as Error & { code?: string });
    }
    if (stopping) {
      await server.close(); // Ctrl-C came while starting
    } else {
      const where =
        args.host === "" ? `all interfaces, port ${server.port}` : formatAddress(...server.address);
      console.log(`echo server listening on ${where} (press Ctrl-C to stop)`);
    }
    // Serves until close() (from a signal), or until its socket is lost.
    await server.closed;
    if (!stopping) {
      console.error(`${PROGRAM}: the server stopped unexpectedly`);
      return 1;
    }
    console.log("echo server stopped");
    return 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

function reportStartFailure(error: Error & { code?: string }): number {
  if (error.code !== undefined && USAGE_CODES.includes(error.code)) {
    console.error(`${PROGRAM}: ${error.message}\n\n${usage(PROGRAM)}`);
    return 2;
  }
  const tip =
    error.code === "EADDRINUSE"
      ? " (in a terminal: stop the other server, or choose another port with --port)"
      : "";
  console.error(`${PROGRAM}: ${error.message}${tip}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    // Let stdout drain and the event loop end by itself; nothing should hold it, but never hang.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    console.error(`${PROGRAM}: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
