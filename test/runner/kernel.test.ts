import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freePorts } from "../../scripts/runner/connection";
import {
  type Kernel,
  KernelError,
  KernelPortTakenError,
  maxStartAttempts,
  startKernel,
} from "../../scripts/runner/kernel";

const fixtures = path.join(import.meta.dirname, "..", "fixtures", "notebooks");

function streamText(result: Awaited<ReturnType<Kernel["execute"]>>, name: string): string {
  return result.outputs
    .filter((m) => m.header.msg_type === "stream" && m.content.name === name)
    .map((m) => m.content.text)
    .join("");
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let kernel: Kernel;
// A kernel start is about 2 s of CPU, much longer while other kernels start on the same two cores.
beforeAll(async () => {
  kernel = await startKernel({ cwd: fixtures });
}, 120_000);
afterAll(async () => {
  await kernel?.shutdown();
});

test("a started kernel is tslab and reports TypeScript as its language", () => {
  expect(kernel.info.implementation).toBe("tslab");
  expect(kernel.info.language_info).toMatchObject({ name: "typescript", file_extension: ".ts" });
});

test("execute returns what a cell prints, stdout and stderr apart, once the kernel is idle", async () => {
  const result = await kernel.execute('console.log("out"); console.error("err"); 6 * 7');
  expect(result).toMatchObject({ status: "ok", idle: true });
  expect(streamText(result, "stdout")).toBe("out\n42\n");
  expect(streamText(result, "stderr")).toBe("err\n");
});

test("execute answers status error for a throw, with tslab's error text on stderr", async () => {
  const result = await kernel.execute('throw new Error("boom")');
  expect(result.status).toBe("error");
  expect(streamText(result, "stderr")).toContain("Error: boom");
  // tslab answers "abort" to every request for 200 ms after an error.
  await sleep(300);
});

test("settle returns what a cell printed after it had finished, pointing back to that cell", async () => {
  const result = await kernel.execute('setTimeout(() => console.log("late"), 20); void 0');
  expect(streamText(result, "stdout")).toBe("");
  await sleep(300);
  const strays = await kernel.settle();
  expect(strays).toHaveLength(1);
  expect(strays[0].parentId).toBe(result.requestId);
  expect(strays[0].message.content).toEqual({ name: "stdout", text: "late\n" });
});

test("a cell that runs past its timeout comes back as timeout, and shutdown still ends the kernel", async () => {
  // A server left listening, and a cell that never ends: the kernel ignores shutdown_request.
  const result = await kernel.execute(
    'require("node:net").createServer().listen(0, "127.0.0.1"); await new Promise(() => {});',
    { timeout: 500 },
  );
  expect(result.status).toBe("timeout");
  const pid = kernel.pid as number;
  expect(isRunning(pid)).toBe(true);
  await kernel.shutdown(200);
  expect(isRunning(pid)).toBe(false);
});

test("startKernel fails with the program's own output when the kernel exits at once", async () => {
  // node treats "kernel" as a script name and exits: a stand-in for a broken tslab.
  const error = await startKernel({ cwd: fixtures, command: process.execPath }).catch((e) => e);
  expect(error).toBeInstanceOf(KernelError);
  expect(error.message).toMatch(/the tslab kernel exited \(code 1\)/);
  expect(error.message).toContain("Cannot find module");
});

test.skipIf(process.platform !== "linux")(
  "startKernel's kernel listens on no TCP port, so kernels started at once cannot take each other's",
  async () => {
    const own = await startKernel({ cwd: fixtures, startTimeout: 120_000 });
    // Every TCP socket of the machine by inode (/proc/net/tcp and tcp6, column 10), then the
    // kernel's open sockets: none of them may be TCP (its ZeroMQ sockets are Unix sockets).
    const tcpInodes = new Set(
      ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) =>
        readFileSync(file, "utf8")
          .trim()
          .split("\n")
          .slice(1)
          .map((line) => line.trim().split(/\s+/)[9]),
      ),
    );
    const fdFolder = `/proc/${own.pid}/fd`;
    const sockets = readdirSync(fdFolder)
      .map((fd) => {
        try {
          return readlinkSync(path.join(fdFolder, fd));
        } catch {
          return "";
        }
      })
      .flatMap((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? []);
    await own.shutdown();
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((inode) => tcpInodes.has(inode))).toEqual([]);
  },
  180_000,
);

test("startKernel starts the kernel again on fresh ports when another program took one first", async () => {
  // A port taken between the choice and the kernel's bind: what happened to one start in 80 when
  // a class's kernels and their lessons' port-0 sockets all drew from the same ports at once.
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
  const taken = (squatter.address() as AddressInfo).port;
  const chosen: number[][] = [];
  const started = await startKernel({
    cwd: fixtures,
    startTimeout: 120_000,
    transport: "tcp",
    choosePorts: async (count) => {
      const ports = await freePorts(count);
      if (chosen.length === 0) ports[0] = taken; // the shell port, on the first attempt only
      chosen.push(ports);
      return ports;
    },
  });
  try {
    expect(chosen).toHaveLength(2);
    expect(chosen[0][0]).toBe(taken);
    expect(chosen[1]).not.toContain(taken);
    expect(started.startAttempts).toBe(2);
    const result = await started.execute("console.log(6 * 7)");
    expect(result.status).toBe("ok");
    expect(streamText(result, "stdout")).toBe("42\n");
  } finally {
    await started.shutdown();
    squatter.close();
  }
}, 240_000);

test("startKernel gives up after maxStartAttempts starts that each found a port taken", async () => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
  const taken = (squatter.address() as AddressInfo).port;
  let attempts = 0;
  try {
    const error = await startKernel({
      cwd: fixtures,
      startTimeout: 120_000,
      transport: "tcp",
      choosePorts: async (count) => {
        attempts += 1;
        const ports = await freePorts(count);
        ports[1] = taken; // iopub, every time
        return ports;
      },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(KernelPortTakenError);
    expect(error.message).toContain(`attempt ${maxStartAttempts} of ${maxStartAttempts}`);
    expect(error.message).toContain("EADDRINUSE");
    expect(attempts).toBe(maxStartAttempts);
  } finally {
    squatter.close();
  }
}, 360_000);
