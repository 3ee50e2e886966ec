/**
 * `npm start` for real: the project's own start code runs the installed Jupyter on a free
 * loopback port, and a client does what a browser does: lists the kernelspecs, opens a notebook
 * session on the tslab kernel, runs a cell over the kernel's websocket.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { findJupyter, type JupyterInstall } from "../../scripts/jupyter/find-jupyter";
import { projectRoot } from "../../scripts/jupyter/kernelspec";
import { descendantPids, isAlive } from "../../scripts/jupyter/process-tree";
import {
  isJupyterCtrlCAdvice,
  type RunningJupyter,
  startJupyter,
} from "../../scripts/jupyter/start";
import { JupyterRest, KernelChannels, type SessionModel } from "../support/jupyter-server-client";

const jupyter: JupyterInstall | undefined = await findJupyter();
if (!jupyter) {
  console.warn(
    "SKIPPED test/jupyter/start.test.ts: no Jupyter on this machine (jupyter-lab or jupyter-notebook). " +
      "CI installs Debian's jupyter-notebook (.ci/run).",
  );
}

/**
 * What a lesson's first steps amount to: import the helper, serve, connect, echo. tslab resolves
 * a local import by appending ".js" to its path, so lessons import "./src/index": "./src" (a
 * folder) does not resolve in tslab.
 */
const echoCell = `
import { socket, encode, decode, closeAll } from "./src/index";
const server = socket();
await server.bind(["127.0.0.1", 0]);
await server.listen(1);
const client = socket();
await client.connect(["127.0.0.1", server.localPort], { timeout: 5000 });
const [connection] = await server.accept({ timeout: 5000 });
await client.send(encode("hello through Jupyter"));
await connection.send(await connection.recv(1024));
console.log("echoed:", decode(await client.recv(1024)));
await closeAll();
`;

describe.skipIf(!jupyter)("npm start's Jupyter server", () => {
  let server: RunningJupyter;
  // What npm start shows in the terminal of Jupyter's log.
  let shownText = "";
  const shown = new PassThrough().on("data", (chunk: Buffer) => {
    shownText += chunk.toString();
  });
  let rest: JupyterRest;
  let isolated: string;
  const kernelPids: number[] = [];

  beforeAll(async () => {
    // The user's own Jupyter configuration (a password, extensions) must not change the test,
    // and the test must not leave runtime files in the user's folders.
    isolated = mkdtempSync(path.join(os.tmpdir(), "sockets-course-jupyter-"));
    server = await startJupyter({
      jupyter: jupyter as JupyterInstall,
      port: 0,
      token: "sockets-course-test-token",
      terminal: { stdout: shown, stderr: shown },
      jupyterPath: path.join(isolated, "jupyter-path"),
      env: {
        JUPYTER_CONFIG_DIR: path.join(isolated, "config"),
        JUPYTER_DATA_DIR: path.join(isolated, "data"),
        JUPYTER_RUNTIME_DIR: path.join(isolated, "runtime"),
        IPYTHONDIR: path.join(isolated, "ipython"),
      },
    });
    rest = new JupyterRest(server.baseUrl, server.token);
  }, 180_000);

  afterAll(async () => {
    // Whatever happened above: the server and every kernel it started go.
    await server?.stop();
    for (const pid of kernelPids)
      expect(isAlive(pid), `kernel ${pid} outlived the server`).toBe(false);
    if (isolated) rmSync(isolated, { recursive: true, force: true });
  }, 30_000);

  it("listens on 127.0.0.1 and prints a URL that carries the token", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=sockets-course-test-token`);
  });

  it("shows Jupyter's log in the terminal without its Ctrl-C advice, which npm start replaces", () => {
    // Jupyter printed the advice (it is in the full log) ...
    expect(server.log().split("\n").filter(isJupyterCtrlCAdvice)).toHaveLength(1);
    // ... and everything else reached the terminal, in order, but that line.
    const expected = server
      .log()
      .split("\n")
      .filter((line) => !isJupyterCtrlCAdvice(line))
      .join("\n");
    expect(shownText).toBe(expected);
    expect(shownText).toContain(`127.0.0.1:${server.port}`);
  });

  it("refuses the REST API without the token", async () => {
    const response = await fetch(`${server.baseUrl}/api/kernelspecs`);
    expect(response.status).toBe(403);
  });

  it("offers the project's tslab kernelspec, running this project's tslab", async () => {
    const specs = await rest.get<{
      kernelspecs: Record<string, { spec: { argv: string[]; language: string } }>;
    }>("/api/kernelspecs");
    const tslab = specs.kernelspecs.tslab;
    expect(
      tslab,
      `kernelspecs offered: ${Object.keys(specs.kernelspecs).join(", ")}`,
    ).toBeDefined();
    expect(tslab.spec.language).toBe("typescript");
    expect(tslab.spec.argv).toContain(
      path.join(projectRoot, "scripts", "tslab-kernel", "start.mjs"),
    );
  });

  it("runs a notebook cell that imports the helper and echoes through a socket", async () => {
    const session = await rest.post<SessionModel>("/api/sessions", {
      path: "jupyter-start-test.ipynb",
      type: "notebook",
      name: "",
      kernel: { name: "tslab" },
    });
    expect(session.kernel.name).toBe("tslab");
    const channels = await KernelChannels.open(rest, session.kernel.id);
    kernelPids.push(...descendantPids(server.process.pid as number));
    try {
      const result = await channels.execute(echoCell);
      expect(result.stderr).toBe("");
      expect(result.status).toBe("ok");
      expect(result.stdout).toContain("echoed: hello through Jupyter");
    } finally {
      channels.close();
      await rest.delete(`/api/sessions/${session.id}`);
    }
    const sessions = await rest.get<SessionModel[]>("/api/sessions");
    expect(sessions).toEqual([]);
  }, 120_000);
});
