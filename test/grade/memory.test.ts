import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, test } from "vitest";
import { watchMemory } from "../../scripts/grade/memory";

describe.skipIf(process.platform !== "linux")("watchMemory", () => {
  test("kills a process whose Buffers (outside the heap limit) pass the limit, and says so", async () => {
    // --max-old-space-size does not stop this: Buffers live outside the JavaScript heap.
    const hog = spawn(
      process.execPath,
      [
        "--max-old-space-size=64",
        "-e",
        "const hog = []; setInterval(() => hog.push(Buffer.alloc(2e7, 1)), 20);",
      ],
      { stdio: "ignore" },
    );
    const exited = once(hog, "exit");
    let used: number | undefined;
    const stop = watchMemory(hog.pid, 200, (mb) => {
      used = mb;
    });
    const [code, signal] = await exited;
    stop();
    expect([code, signal]).toEqual([null, "SIGKILL"]);
    expect(used).toBeGreaterThan(200);
  }, 30_000);
});
