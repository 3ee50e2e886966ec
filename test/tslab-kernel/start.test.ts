import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { kernelArgv, projectRoot } from "../../scripts/jupyter/kernelspec";
import { type Kernel, startKernel } from "../../scripts/runner/kernel";
import * as helper from "../../src/index";

const notebooks = path.join(projectRoot, "notebooks");

function streamText(result: Awaited<ReturnType<Kernel["execute"]>>, name: string): string {
  return result.outputs
    .filter((m) => m.header.msg_type === "stream" && m.content.name === name)
    .map((m) => m.content.text)
    .join("");
}

describe("the course's kernel (scripts/tslab-kernel/start.mjs), started as the kernelspec starts it", () => {
  let kernel: Kernel;
  // A kernel start is about 2 s of CPU, much longer while other kernels start on the same two cores.
  beforeAll(async () => {
    kernel = await startKernel({ cwd: notebooks, argv: kernelArgv(), startTimeout: 180_000 });
  }, 200_000);
  afterAll(async () => {
    await kernel?.shutdown();
  });

  test("a cell that imports the helper gets every export vitest sees in src/index.ts", async () => {
    const result = await kernel.execute(
      'import * as helper from "./src/index";\nconsole.log(JSON.stringify(Object.keys(helper).sort()));',
      { timeout: 120_000 },
    );
    expect(result.status, streamText(result, "stderr")).toBe("ok");
    expect(JSON.parse(streamText(result, "stdout"))).toEqual(Object.keys(helper).sort());
  }, 150_000);

  test("a cell that runs the helper's code runs src/ itself (its module file is src/index.ts)", async () => {
    const result = await kernel.execute(
      'import { decode, encode } from "./src/index";\nconsole.log(decode(encode("héllo")), require.resolve("./src/index"));',
      { timeout: 60_000 },
    );
    expect(result.status, streamText(result, "stderr")).toBe("ok");
    expect(streamText(result, "stdout").trim()).toBe(
      `héllo ${path.join(projectRoot, "src", "index.ts")}`,
    );
  }, 90_000);

  test("a cell that misuses the helper's types is refused by the type checker, which names them", async () => {
    const result = await kernel.execute(
      'import { socket } from "./src/index";\nconst port: string = socket().localPort;',
      { timeout: 60_000 },
    );
    expect(result.status).toBe("error");
    expect(streamText(result, "stderr")).toMatch(
      /Type 'number( \| undefined)?' is not assignable to type 'string'/,
    );
  }, 90_000);

  test("a cell still sees Node's types: a wrong use of node:net is refused", async () => {
    // tslab answers "abort" to every request for about 200 ms after a failed cell (the one above).
    await sleep(500);
    const result = await kernel.execute(
      'import { createServer } from "node:net";\nconst n: number = createServer();',
      { timeout: 60_000 },
    );
    expect(result.status).toBe("error");
    expect(streamText(result, "stderr")).toMatch(
      /Type 'Server' is not assignable to type 'number'/,
    );
  }, 90_000);
});
