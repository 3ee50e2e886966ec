/**
 * The command line of the echo programs (npm run echo-server / echo-client): flags, defaults,
 * checks and the usage text, shared so that both programs read and report arguments alike.
 */
import { parseArgs } from "node:util";
import { ECHO_PORT } from "../../src/course/echo";
import { UsageError } from "../cli/usage-error";

/**
 * Which program is reading its arguments.
 */
export type EchoProgram = "echo-server" | "echo-client";

/**
 * What the command line asked for.
 */
export interface EchoArgs {
  host: string;
  port: number;
  /** Milliseconds to wait for the server (client only). */
  timeout: number;
  /** The message to send (client only). */
  message: string;
  /** --help was given: print the usage and stop. */
  help: boolean;
}

/**
 * Default for the client's --timeout: long enough for any loopback server, short enough not to hang.
 */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The usage text of a program.
 */
export function usage(program: EchoProgram): string {
  if (program === "echo-server") {
    return [
      "usage: npm run echo-server -- [--host HOST] [--port PORT]",
      "",
      "The lecture's echo server: serves clients one after another, printing and echoing each",
      "message, then closing that connection. Stop it with Ctrl-C.",
      "",
      "  --host HOST  address to listen on (default 127.0.0.1, this machine only;",
      "               --host \"\" listens on all network interfaces, as the lecture's '')",
      `  --port PORT  port to listen on, 0-65535 (default ${ECHO_PORT}; 0 picks any free port)`,
      "  -h, --help   show this help",
    ].join("\n");
  }
  return [
    "usage: npm run echo-client -- [--host HOST] [--port PORT] [--timeout MS] MESSAGE",
    "",
    "The lecture's echo client: connects to the echo server, sends MESSAGE (UTF-8), prints the",
    "reply and closes. Several words are sent as one message, separated by spaces.",
    "",
    "  --host HOST   the server's address (default 127.0.0.1)",
    `  --port PORT   the server's port, 1-65535 (default ${ECHO_PORT})`,
    `  --timeout MS  give up after MS milliseconds without an answer (default ${DEFAULT_TIMEOUT_MS})`,
    "  -h, --help    show this help",
  ].join("\n");
}

/**
 * Reads a program's arguments (process.argv.slice(2)). Throws a {@link UsageError} saying what is
 * wrong: an unknown option, a port that is not an integer from 0 to 65535, a missing message.
 */
export function parseEchoArgs(program: EchoProgram, argv: string[]): EchoArgs {
  const client = program === "echo-client";
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv, client);
  } catch (err) {
    throw new UsageError(explainParseError(err));
  }
  const { values, positionals } = parsed;
  if (!client && values.timeout !== undefined) throw new UsageError("unknown option '--timeout'");
  const help = values.help === true;
  const port = parsePort(values.port, client);
  const timeout = parseTimeout(values.timeout);
  const message = positionals.join(" ");
  if (client && !help && positionals.length === 0) {
    throw new UsageError("give the message to send, e.g. npm run echo-client -- hello");
  }
  if (!client && positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  return { host: values.host ?? "127.0.0.1", port, timeout, message, help };
}

/** Node's parseArgs messages are long and speak of "positionals": say it in one short line. */
function explainParseError(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  const text = String(message ?? err);
  const option = /Option '(--?[\w-]+)/.exec(text)?.[1] ?? /'(--?[\w-]+)'/.exec(text)?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option '${option ?? text}'`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument ${/'([^']*)'/.exec(text)?.[1] !== undefined ? JSON.stringify(/'([^']*)'/.exec(text)?.[1]) : text}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return `${option ?? "the option"} needs a value, e.g. ${option ?? "--port"} 12345 (write ${option ?? "--port"}=VALUE for a value starting with "-")`;
    default:
      return text.split("\n")[0];
  }
}

function parseOptions(argv: string[], client: boolean) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: client,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function parsePort(text: string | undefined, client: boolean): number {
  if (text === undefined) return ECHO_PORT;
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError(
      `--port ${JSON.stringify(text)} is not a port: ports are 16-bit numbers, an integer from 0 to 65535`,
    );
  }
  if (client && port === 0) {
    throw new UsageError(
      '--port 0 means "any free port" for a server; give the port the echo server printed',
    );
  }
  return port;
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(ms > 0 && ms <= 2_147_483_647)) {
    throw new UsageError(`--timeout ${JSON.stringify(text)} is not a number of milliseconds > 0`);
  }
  return ms;
}

/**
 * What both programs do first: parse the command line, or say what is wrong (usage on stderr) or
 * show the help (usage on stdout). Returns the arguments, or the exit status to end with (2 for
 * wrong arguments, 0 after --help).
 */
export function argsOrExitStatus(program: EchoProgram, argv: string[]): EchoArgs | number {
  try {
    const args = parseEchoArgs(program, argv);
    if (!args.help) return args;
    console.log(usage(program));
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${program}: ${err.message}\n\n${usage(program)}`);
    return 2;
  }
}
