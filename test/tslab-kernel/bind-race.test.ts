/**
 * scripts/tslab-kernel/bind-race.mjs, on real ZeroMQ sockets over ipc: what tslab does at start
 * (send or receive on a socket whose bind has not completed) waits for the bind instead of
 * failing with EBUSY.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import * as zmq from "zeromq";
import { waitOutBinds } from "../../scripts/tslab-kernel/bind-race.mjs";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bind-race-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("zeromq alone refuses a send on a socket whose bind is under way (the race tslab meets)", async () => {
  // Run before waitOutBinds is installed in this process: the next tests install it.
  const router = new zmq.Router();
  const binding = router.bind(`ipc://${path.join(dir, "alone")}`);
  expect(() => router.send(["nobody", "hello"])).toThrow(/blocked by a bind/);
  await binding;
  router.close();
});

test("with waitOutBinds, a reply and a receive made during the bind go through once it is done", async () => {
  waitOutBinds(zmq);
  const address = `ipc://${path.join(dir, "patched")}`;
  const router = new zmq.Router();
  const dealer = new zmq.Dealer({ routingId: "student" });
  try {
    const binding = router.bind(address);
    const receiving = router.receive(); // refused with EBUSY without waitOutBinds
    const early = router.send(["nobody", "dropped: no such peer"]); // refused likewise
    await binding;
    await early;
    dealer.connect(address);
    await dealer.send("kernel_info_request");
    const [from, message] = await receiving;
    expect(from.toString()).toBe("student");
    expect(message.toString()).toBe("kernel_info_request");
    await router.send([from, "kernel_info_reply"]);
    expect((await dealer.receive()).toString()).toBe("kernel_info_reply");
  } finally {
    router.close();
    dealer.close();
  }
});

test("with waitOutBinds, sends made during a bind keep their order", async () => {
  waitOutBinds(zmq);
  const address = `ipc://${path.join(dir, "order")}`;
  const publisher = new zmq.Publisher();
  const subscriber = new zmq.Subscriber();
  subscriber.subscribe();
  try {
    await publisher.bind(address);
    subscriber.connect(address);
    // A publisher drops what it sends before the subscriber is connected: send until one arrives.
    const arrived = subscriber.receive();
    let first: string | undefined;
    while (first === undefined) {
      await publisher.send("hello?");
      first = await Promise.race([
        arrived.then(([m]) => m.toString()),
        new Promise<undefined>((resolve) => setTimeout(resolve, 50)),
      ]);
    }
    expect(first).toBe("hello?");
    // A second bind blocks the socket again; the sends made meanwhile must arrive in order.
    const binding = publisher.bind(`ipc://${path.join(dir, "order-2")}`);
    const sends = ["busy", "reply", "idle"].map((m) => publisher.send(m));
    await binding;
    await Promise.all(sends);
    const received: string[] = [];
    while (received.length < 3) {
      const [m] = await subscriber.receive();
      if (m.toString() !== "hello?") received.push(m.toString());
    }
    expect(received).toEqual(["busy", "reply", "idle"]);
  } finally {
    publisher.close();
    subscriber.close();
  }
});
