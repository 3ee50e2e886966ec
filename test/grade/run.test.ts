/**
 * One graded run in the real tslab kernel, started as the grader starts it (sandbox.ts): what the
 * code inside can reach on the network, and the notebook's time limit. One kernel for both.
 */
import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type GradedRun, runForGrading } from "../../scripts/grade/run";
import { kernelLauncher, probeNetworkIsolation } from "../../scripts/grade/sandbox";

const root = path.resolve(import.meta.dirname, "../..");
const isolation = probeNetworkIsolation();

describe.skipIf(!isolation.isolated)(`a graded run (${isolation.note})`, () => {
  let outside: Server;
  let run: GradedRun;
  let dir: string;

  beforeAll(async () => {
    // A server on this machine's loopback, outside the sandbox: the code inside must not reach it.
    outside = createServer((connection) => connection.end("you reached the outside\n"));
    await new Promise<void>((resolve) => outside.listen(0, "127.0.0.1", resolve));
    const { port } = outside.address() as { port: number };
    // Inside the project (the kernel compiles ./src from its folder); dist/ is absent in a fresh clone.
    await mkdir(path.join(root, "dist"), { recursive: true });
    dir = await mkdtemp(path.join(root, "dist", ".grade-test-"));
    await symlink(path.join(root, "src"), path.join(dir, "src"));
    const cells = [
      [
        "interfaces",
        'console.log(JSON.stringify(Object.keys(require("node:os").networkInterfaces())));',
      ],
      [
        "outside",
        `import { socket, AF_INET, SOCK_STREAM } from "./src/index";
const probe = socket(AF_INET, SOCK_STREAM);
try {
  await probe.connect(["127.0.0.1", ${port}], { timeout: 10_000 });
  console.log("reached");
} catch (error) {
  console.log((error as { code?: string }).code);
}`,
      ],
      [
        "inside",
        `const server = socket(AF_INET, SOCK_STREAM);
await server.bind(["127.0.0.1", 0]);
await server.listen(1);
const client = socket(AF_INET, SOCK_STREAM);
await client.connect(["127.0.0.1", server.localPort]);
console.log("connected inside");
await client.close();
await server.close();`,
      ],
      [
        "orphan",
        `const { spawn } = require("node:child_process");
const orphan = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
orphan.unref();
console.log(orphan.pid);`,
      ],
      ["long", "await new Promise((resolve) => setTimeout(resolve, 90_000));"],
      ["never", 'console.log("this cell should never run");'],
    ].map(([id, source]) => ({ id, source }));
    run = await runForGrading(cells, {
      cwd: dir,
      launch: kernelLauncher({ memoryMb: 1024, isolated: true }),
      // The notebook's limit runs out in the long cell, before that cell's own limit does.
      limits: { cellMs: 120_000, notebookMs: 45_000, memoryMb: 1024, outputBytes: 2 ** 20 },
    });
  }, 300_000);

  afterAll(async () => {
    await new Promise((resolve) => outside.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const stdout = (id: string) =>
    run.cells
      .get(id)
      ?.outputs.map((o) => (o.output_type === "stream" ? o.text : ""))
      .join("")
      .trim();

  test("sees loopback as its only network interface, and it is up", () => {
    expect(run.startFailure).toBeUndefined();
    expect(stdout("interfaces")).toBe('["lo"]');
    expect(stdout("inside")).toBe("connected inside");
  });

  test("cannot reach a server on this machine's 127.0.0.1 outside the sandbox", () => {
    expect(stdout("outside")).toBe("ECONNREFUSED");
  });

  test("leaves no process that the code started running after the run", async () => {
    const pid = Number(stdout("orphan"));
    expect(pid).toBeGreaterThan(0);
    // Gone, or a zombie waiting for a parent that is not ours to reap it.
    const state = await readFile(`/proc/${pid}/stat`, "utf8").then(
      (stat) => stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3),
      () => "gone",
    );
    expect(["gone", "Z"]).toContain(state);
  });

  test("stops at the notebook's time limit, says so, and runs no cell after it", () => {
    expect(run.cells.get("inside")?.status).toBe("ok");
    expect(run.cells.get("long")?.status).toBe("timeout");
    expect(run.cells.has("never")).toBe(false);
    expect(run.stop?.status).toBe("timeout");
    expect(run.stop?.reason).toMatch(
      /the notebook's time limit of .* ran out \(--notebook-timeout\)/,
    );
  });
});
