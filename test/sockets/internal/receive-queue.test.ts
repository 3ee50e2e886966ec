import { describe, expect, test } from "vitest";

import { ReceiveQueue } from "../../../src/sockets/internal/receive-queue";

/** Records what the queue asks of the connection. */
function recorder() {
  const calls: string[] = [];
  return { calls, flow: { pause: () => calls.push("pause"), resume: () => calls.push("resume") } };
}

describe("ReceiveQueue", () => {
  test("hands out bytes in arrival order across chunk boundaries", async () => {
    const q = new ReceiveQueue(recorder().flow);
    q.push(Buffer.from("ab"));
    q.push(Buffer.from("cde"));
    q.push(Buffer.from("f"));
    expect((await q.read(4)).toString()).toBe("abcd");
    expect((await q.read(4)).toString()).toBe("ef");
  });

  test("pauses the connection at the high-water mark and resumes below half of it", async () => {
    const { calls, flow } = recorder();
    const q = new ReceiveQueue(flow, 10);
    q.push(Buffer.alloc(6));
    expect(calls).toEqual([]);
    q.push(Buffer.alloc(6));
    expect(calls).toEqual(["pause"]);
    await q.read(6);
    expect(calls).toEqual(["pause"]);
    await q.read(2);
    expect(calls).toEqual(["pause", "resume"]);
  });

  test("resolves reads with an empty buffer after the end, once the queue is drained", async () => {
    const q = new ReceiveQueue(recorder().flow);
    q.push(Buffer.from("x"));
    q.end();
    expect((await q.read(10)).toString()).toBe("x");
    expect((await q.read(10)).length).toBe(0);
  });

  test("rejects reads with the failure once the queue is drained", async () => {
    const q = new ReceiveQueue(recorder().flow);
    q.push(Buffer.from("x"));
    const failure = new Error("reset");
    q.fail(failure);
    expect((await q.read(10)).toString()).toBe("x");
    await expect(q.read(10)).rejects.toBe(failure);
  });

  test("a failure after a waiting read rejects it", async () => {
    const q = new ReceiveQueue(recorder().flow);
    const reading = q.read(10);
    const failure = new Error("reset");
    q.fail(failure);
    await expect(reading).rejects.toBe(failure);
  });

  test("close rejects waiting reads and drops what was queued", async () => {
    const q = new ReceiveQueue(recorder().flow);
    const reading = q.read(10);
    const closed = new Error("closed");
    q.close(closed);
    await expect(reading).rejects.toBe(closed);
    expect(q.queued).toBe(0);
  });

  test("unshift puts bytes before everything queued", async () => {
    const q = new ReceiveQueue(recorder().flow);
    q.push(Buffer.from("world"));
    q.unshift(Buffer.from("hello "));
    expect((await q.read(100)).toString()).toBe("hello world");
  });

  test("a read that times out leaves the line, and later bytes go to the next read", async () => {
    const q = new ReceiveQueue(recorder().flow);
    await expect(q.read(10, 5, () => new Error("too slow"))).rejects.toThrow("too slow");
    const next = q.read(10);
    q.push(Buffer.from("data"));
    expect((await next).toString()).toBe("data");
  });
});
