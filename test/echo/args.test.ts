import { describe, expect, test } from "vitest";
import { UsageError } from "../../scripts/cli/usage-error";
import { DEFAULT_TIMEOUT_MS, parseEchoArgs, usage } from "../../scripts/echo/args";

describe("parseEchoArgs", () => {
  test("with no options the server listens on the lecture's port on loopback", () => {
    expect(parseEchoArgs("echo-server", [])).toMatchObject({ host: "127.0.0.1", port: 12345 });
  });

  test("the client joins its words into one message and has defaults for the rest", () => {
    expect(parseEchoArgs("echo-client", ["hello", "world"])).toEqual({
      host: "127.0.0.1",
      port: 12345,
      timeout: DEFAULT_TIMEOUT_MS,
      message: "hello world",
      help: false,
    });
  });

  test("--host and --port are read, in either form", () => {
    expect(parseEchoArgs("echo-client", ["--host", "localhost", "--port=4000", "x"])).toMatchObject(
      { host: "localhost", port: 4000 },
    );
  });

  test('the server accepts port 0 (any free port) and host "" (all interfaces)', () => {
    expect(parseEchoArgs("echo-server", ["--port", "0", "--host", ""])).toMatchObject({
      host: "",
      port: 0,
    });
  });

  test("an empty message is a message", () => {
    expect(parseEchoArgs("echo-client", [""]).message).toBe("");
  });

  test("a message starting with a dash can follow --", () => {
    expect(parseEchoArgs("echo-client", ["--", "-v"]).message).toBe("-v");
  });

  test("--help needs no message", () => {
    expect(parseEchoArgs("echo-client", ["--help"]).help).toBe(true);
    expect(parseEchoArgs("echo-server", ["-h"]).help).toBe(true);
  });

  test.each([
    [
      "echo-server",
      ["--port", "70000"],
      /^--port "70000" is not a port: ports are 16-bit numbers, an integer from 0 to 65535$/,
    ],
    ["echo-server", ["--port", "abc"], /--port "abc" is not a port/],
    ["echo-server", ["--port", "1.5"], /--port "1.5" is not a port/],
    ["echo-server", ["--port", ""], /--port "" is not a port/],
    ["echo-server", ["--verbose"], /^unknown option '--verbose'$/],
    ["echo-server", ["extra"], /^unexpected argument "extra"$/],
    ["echo-server", ["--timeout", "5"], /^unknown option '--timeout'$/],
    ["echo-client", ["--port=-1", "hi"], /--port "-1" is not a port/],
    ["echo-client", ["--port", "-1", "hi"], /^--port needs a value, e.g. --port 12345/],
    ["echo-client", ["--port"], /^--port needs a value/],
    ["echo-client", ["--port", "0", "hi"], /--port 0 means "any free port" for a server/],
    ["echo-client", [], /^give the message to send/],
    [
      "echo-client",
      ["--timeout", "soon", "hi"],
      /--timeout "soon" is not a number of milliseconds/,
    ],
    ["echo-client", ["--timeout", "0", "hi"], /--timeout "0" is not a number of milliseconds/],
  ] as const)("%s %j is refused with a usage error", (program, args, message) => {
    expect(() => parseEchoArgs(program, [...args])).toThrow(UsageError);
    expect(() => parseEchoArgs(program, [...args])).toThrow(message);
  });
});

describe("usage", () => {
  test("each program's usage names its command and flags", () => {
    expect(usage("echo-server")).toMatch(
      /^usage: npm run echo-server -- \[--host HOST\] \[--port PORT\]/,
    );
    expect(usage("echo-client")).toMatch(/^usage: npm run echo-client -- .*MESSAGE$/m);
  });
});
