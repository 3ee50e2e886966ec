/** Test support: real peers in other processes. */
import { type ChildProcess, spawn } from "node:child_process";

/**
 * A Node process that listens on 127.0.0.1 with a backlog of 1 and then blocks its event loop,
 * so it never accepts: once the system's queue is full, further connects get no answer.
 */
export async function unansweringServer(): Promise<{ port: number; child: ChildProcess }> {
  const code = `const s = require("node:net").createServer().listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
    process.stdout.write(s.address().port + "\\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.stdout?.once("data", (d) => resolve(Number(String(d).trim())));
  });
  return { port, child };
}

/** Kills a child process and waits until it has exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}
