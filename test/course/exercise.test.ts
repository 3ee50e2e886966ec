import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import {
  check,
  checkResults,
  formatResult,
  resetChecks,
  summary,
  TIME_SCALE_VARIABLE,
  timeLimit,
} from "../../src/course/exercise";
import { closeAll } from "../../src/sockets/open-sockets";
import { socket } from "../../src/sockets/socket";

let printed: string[] = [];
beforeEach(() => {
  resetChecks();
  printed = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(args.join(" "));
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await closeAll();
});

describe("check", () => {
  test("a check that returns normally prints PASS and its description", async () => {
    const words = ["two", "plus", "two"];
    await check("two plus two is four", () => {
      if (words.length !== 3) throw new Error("the list changed");
    });
    expect(printed).toEqual(["PASS two plus two is four"]);
  });

  test("a check that throws prints FAIL with the error's message and the hint", async () => {
    await check(
      "the port is valid",
      () => {
        throw new Error("65536 was accepted");
      },
      "ports go from 0 to 65535",
    );
    expect(printed).toEqual([
      "FAIL the port is valid: 65536 was accepted — hint: ports go from 0 to 65535",
    ]);
  });

  test("a check that returns false fails", async () => {
    await check("it is false", () => false, "make it true");
    expect(printed).toEqual(["FAIL it is false: the check returned false — hint: make it true"]);
  });

  test("an async check that rejects fails and check itself resolves", async () => {
    await expect(
      check("rejects", async () => {
        throw new Error("nope");
      }),
    ).resolves.toBeUndefined();
    expect(printed).toEqual(["FAIL rejects: nope"]);
  });

  test("a check that never finishes fails after its timeout instead of hanging", async () => {
    await check("waits forever", () => new Promise(() => {}), "reply to the client", {
      timeout: 50,
    });
    expect(printed[0]).toMatch(
      /^FAIL waits forever: the check's time limit of 0.05 s ran out \(it had run 0\.\d s\)/,
    );
    expect(printed[0]).toMatch(/— hint: reply to the client$/);
  });

  test("the time limit is scaled by SOCKETS_COURSE_TIME_SCALE on a loaded machine", async () => {
    vi.stubEnv(TIME_SCALE_VARIABLE, "3");
    try {
      expect(timeLimit(1000)).toBe(3000);
      await check("waits forever", () => new Promise(() => {}), undefined, { timeout: 20 });
      expect(printed[0]).toMatch(/time limit of 0.06 s ran out/);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(timeLimit(1000)).toBe(1000);
  });

  test("a scale that is not a positive number leaves the time limit as it is", () => {
    vi.stubEnv(TIME_SCALE_VARIABLE, "fast");
    try {
      expect(timeLimit(1000)).toBe(1000);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test("a failing socket operation is reported with its code", async () => {
    const server = socket();
    await server.bind(["127.0.0.1", 0]);
    await server.listen(1);
    const port = server.localPort;
    await server.close();
    await check("connects", async () => {
      const client = socket();
      await client.connect(["127.0.0.1", port], { timeout: 2000 });
    });
    expect(printed[0]).toMatch(/^FAIL connects: .*ECONNREFUSED/);
  });

  test("a thrown value that is not an Error is shown as text", async () => {
    await check("throws a string", () => {
      throw "plain text";
    });
    expect(printed).toEqual(["FAIL throws a string: plain text"]);
  });
});

describe("summary and checkResults", () => {
  test("summary counts the checks that passed and failed", async () => {
    await check("one", () => true);
    await check("two", () => false);
    await check("three", () => undefined);
    summary();
    expect(printed.at(-1)).toBe("2 of 3 checks passed (1 failed)");
    const tally = checkResults();
    expect(tally.passed).toBe(2);
    expect(tally.failed).toBe(1);
    expect(tally.failures.map((f) => f.description)).toEqual(["two"]);
  });

  test("summary says plainly when every check passed", async () => {
    await check("one", () => true);
    summary();
    expect(printed.at(-1)).toBe("1 of 1 checks passed");
  });

  test("resetChecks starts the count again", async () => {
    await check("old", () => false);
    resetChecks();
    expect(checkResults()).toEqual({ passed: 0, failed: 0, failures: [] });
  });
});

describe("formatResult", () => {
  test("a failure without a hint has no hint part", () => {
    expect(formatResult({ description: "x", passed: false, reason: "broken" })).toBe(
      "FAIL x: broken",
    );
  });
});
