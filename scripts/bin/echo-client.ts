/**
 * The lecture's echo_client.py as a program: connects to the echo server, sends the message,
 * prints the reply as the lecture does (received "..."), closes.
 *
 *   npm run echo-client -- [--host HOST] [--port PORT] [--timeout MS] MESSAGE
 *
 * Exit status: 0 when the reply came, 1 when the server could not be reached or failed (one line
 * on stderr says why), 2 for wrong arguments (with the usage).
 */
import { echoOnce } from "../../src/course/echo";
import { argsOrExitStatus } from "../echo/args";

const PROGRAM = "echo-client";

async function main(argv: string[]): Promise<number> {
  const args = argsOrExitStatus(PROGRAM, argv);
  if (typeof args === "number") return args;
  try {
    const reply = await echoOnce([args.host, args.port], args.message, { timeout: args.timeout });
    // The lecture's line: print('received "%s"' % data.decode("utf-8"))
    console.log(`received "${reply}"`);
    return 0;
  } catch (err) {
    const error = err as Error & { code?: string };
    console.error(`${PROGRAM}: ${error.message}`);
    return error.code === "ERR_INVALID_HOST" ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`${PROGRAM}: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
