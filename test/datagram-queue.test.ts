import { describe, expect, test } from "vitest";

import { DatagramQueue } from "../src/datagram-queue";

const d = (text: string) => ({
  data: Buffer.from(text),
  from: ["127.0.0.1", 5000] as [string, number],
});

describe("DatagramQueue", () => {
  test("waiting calls are served in call order, before anything is queued", async () => {
    const queue = new DatagramQueue(10, 1000);
    const first = queue.wait(undefined, () => new Error("late"));
    const second = queue.wait(undefined, () => new Error("late"));
    queue.arrived(d("a"));
    queue.arrived(d("b"));
    expect(String((await first).data)).toBe("a");
    expect(String((await second).data)).toBe("b");
    expect(queue.length).toBe(0);
  });

  test("a full queue drops the newest datagram and counts it", () => {
    const queue = new DatagramQueue(2, 1000);
    for (const text of ["a", "b", "c"]) queue.arrived(d(text));
    expect(queue.dropped).toBe(1);
    expect(String(queue.take()?.data)).toBe("a");
    expect(String(queue.take()?.data)).toBe("b");
    expect(queue.take()).toBeUndefined();
  });

  test("the byte limit drops too", () => {
    const queue = new DatagramQueue(10, 5);
    queue.arrived(d("abc"));
    queue.arrived(d("def"));
    expect([queue.length, queue.dropped]).toEqual([1, 1]);
  });

  test("rejectFirst ends one waiting call and says whether there was one", async () => {
    const queue = new DatagramQueue(10, 1000);
    expect(queue.rejectFirst(new Error("refused"))).toBe(false);
    const waiting = queue.wait(undefined, () => new Error("late"));
    expect(queue.rejectFirst(new Error("refused"))).toBe(true);
    await expect(waiting).rejects.toThrow("refused");
  });

  test("a wait that times out leaves the line, and the next datagram is queued", async () => {
    const queue = new DatagramQueue(10, 1000);
    await expect(queue.wait(20, () => new Error("timed out"))).rejects.toThrow("timed out");
    queue.arrived(d("later"));
    expect(queue.length).toBe(1);
  });
});
