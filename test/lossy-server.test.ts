import { afterEach, describe, expect, test } from "vitest";

import { AF_INET, SOCK_DGRAM } from "../src/constants";
import { lossyFates, startLossyServer } from "../src/lossy-server";
import { socket } from "../src/socket";
import { decode, encode } from "../src/text";
import { closeAll } from "../src/tracker";

afterEach(async () => {
  await closeAll();
});

const code = (f: () => unknown) => {
  try {
    f();
    return "no error";
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe("lossyFates", () => {
  test("the same seed gives the same fates, another seed others", () => {
    expect(lossyFates(50, { seed: 42 })).toEqual(lossyFates(50, { seed: 42 }));
    expect(lossyFates(50, { seed: 42 })).not.toEqual(lossyFates(50, { seed: 43 }));
  });

  test("the first fates do not change when more are asked for", () => {
    expect(lossyFates(100, { seed: 5 }).slice(0, 10)).toEqual(lossyFates(10, { seed: 5 }));
  });

  test("each fate comes about as often as its share says", () => {
    const fates = lossyFates(10_000, {
      seed: 3,
      lossRate: 0.3,
      delayRate: 0.1,
      duplicateRate: 0.05,
    });
    const share = (f: string) => fates.filter((x) => x === f).length / fates.length;
    expect(share("drop")).toBeCloseTo(0.3, 1);
    expect(share("delay")).toBeCloseTo(0.1, 1);
    expect(share("duplicate")).toBeCloseTo(0.05, 1);
    expect(share("answer")).toBeCloseTo(0.55, 1);
  });

  test("shares of 0 answer everything, a loss rate of 1 drops everything", () => {
    const none = { lossRate: 0, delayRate: 0, duplicateRate: 0 };
    expect(new Set(lossyFates(100, none))).toEqual(new Set(["answer"]));
    expect(new Set(lossyFates(100, { ...none, lossRate: 1 }))).toEqual(new Set(["drop"]));
  });

  test("bad options are refused with ERR_INVALID_ARGUMENT and the option named", () => {
    expect(code(() => lossyFates(3, { lossRate: 1.5 }))).toBe("ERR_INVALID_ARGUMENT");
    expect(() => lossyFates(3, { lossRate: -0.1 })).toThrow(/lossRate is a share from 0 to 1/);
    expect(() => lossyFates(3, { delayRate: Number.NaN })).toThrow(/delayRate/);
    expect(() => lossyFates(3, { lossRate: 0.6, delayRate: 0.5 })).toThrow(/at most 1/);
    expect(() => lossyFates(3, { delayMs: -1 })).toThrow(/delayMs/);
    expect(() => lossyFates(3, { seed: 1.5 })).toThrow(/seed is a whole number/);
    expect(() => lossyFates(-1)).toThrow(/lossyFates: the count/);
  });
});

describe("startLossyServer", () => {
  test("answers each datagram in upper case, and drops or doubles the ones its fates say", async () => {
    const options = { seed: 11, lossRate: 0.3, delayRate: 0, duplicateRate: 0.2 };
    const expected = lossyFates(20, options);
    const server = await startLossyServer(options);
    const client = socket(AF_INET, SOCK_DGRAM);
    const answers: string[][] = [];
    for (let seq = 1; seq <= 20; seq++) {
      await client.sendto(encode(`Ping ${seq} x`), server.address);
      // A marker datagram to an always-answering echo would be timing-free, but the server is
      // the thing tested: what came back for this ping is read until a short quiet period.
      const got: string[] = [];
      for (;;) {
        try {
          const [data] = await client.recvfrom(1024, { timeout: 150 });
          got.push(decode(data));
        } catch {
          break;
        }
      }
      answers.push(got);
    }
    expect(server.fates).toEqual(expected);
    expect(server.received).toEqual(Array.from({ length: 20 }, (_, i) => `Ping ${i + 1} x`));
    answers.forEach((got, i) => {
      const want = `PING ${i + 1} X`;
      const count = { answer: 1, duplicate: 2, drop: 0, delay: 0 }[expected[i]];
      expect(got, `ping ${i + 1} (${expected[i]})`).toEqual(Array(count).fill(want));
    });
    expect(expected).toContain("drop");
    expect(expected).toContain("duplicate");
    await server.close();
  });

  test("a delayed answer comes only after the others, and close cancels one not yet sent", async () => {
    const server = await startLossyServer({
      lossRate: 0,
      delayRate: 1,
      duplicateRate: 0,
      delayMs: 2000,
    });
    const client = socket(AF_INET, SOCK_DGRAM);
    await client.sendto(encode("late"), server.address);
    await expect(client.recvfrom(1024, { timeout: 100 })).rejects.toMatchObject({
      code: "ERR_TIMEOUT",
    });
    const [data] = await client.recvfrom(1024, { timeout: 10_000 });
    expect(decode(data)).toBe("LATE");

    await client.sendto(encode("never"), server.address);
    while (server.received.length < 2) await new Promise((r) => setTimeout(r, 10));
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    await server.close();
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    expect(timersAfter).toBe(timersBefore - 1);
    expect(server.socket.state).toBe("closed");
  });

  test("listens on 127.0.0.1 and a free port", async () => {
    const a = await startLossyServer();
    const b = await startLossyServer();
    expect(a.address).toEqual(["127.0.0.1", a.port]);
    expect(a.port).toBeGreaterThan(0);
    expect(b.port).not.toBe(a.port);
    await a.close();
    await b.close();
  });

  test("bad options are refused before anything is opened", async () => {
    await expect(startLossyServer({ duplicateRate: 2 })).rejects.toThrow(/duplicateRate/);
  });
});
