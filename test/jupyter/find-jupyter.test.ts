import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { findJupyter } from "../../scripts/jupyter/find-jupyter";
import { noJupyterMessage } from "../../scripts/jupyter/install-help";

// Fake executables are shell scripts.
describe.skipIf(process.platform === "win32")("findJupyter", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "sockets-course-find-jupyter-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes an executable `folder/name` that prints `output` and exits with `code`. */
  function fake(folder: string, name: string, output: string, code = 0): string {
    mkdirSync(path.join(dir, folder), { recursive: true });
    const file = path.join(dir, folder, name);
    writeFileSync(file, `#!/bin/sh\necho '${output}'\nexit ${code}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  function searchPath(...folders: string[]): string {
    return folders.map((f) => path.join(dir, f)).join(path.delimiter);
  }

  it("finds a classic Notebook and reports its version", async () => {
    const command = fake("bin", "jupyter-notebook", "6.4.12");
    const found = await findJupyter({ searchPath: searchPath("bin"), extraDirs: [] });
    expect(found).toEqual({
      frontEnd: "notebook",
      command,
      version: "6.4.12",
      label: "Jupyter Notebook 6.4.12",
    });
  });

  it("prefers JupyterLab when both are installed, unless told otherwise", async () => {
    fake("a", "jupyter-notebook", "7.2.1");
    fake("b", "jupyter-lab", "4.2.5");
    const options = { searchPath: searchPath("a", "b"), extraDirs: [] };
    expect((await findJupyter(options))?.frontEnd).toBe("lab");
    expect((await findJupyter({ ...options, prefer: "notebook" }))?.frontEnd).toBe("notebook");
  });

  it("skips a shim that is on PATH but fails, such as pyenv's for a Python without Jupyter", async () => {
    fake("shims", "jupyter-lab", "pyenv: jupyter-lab: command not found", 127);
    const real = fake("usr-bin", "jupyter-notebook", "6.4.12");
    const found = await findJupyter({
      searchPath: searchPath("shims"),
      extraDirs: [path.join(dir, "usr-bin")],
    });
    expect(found?.command).toBe(real);
  });

  it("ignores a file that is not executable", async () => {
    fake("bin", "jupyter-lab", "4.2.5");
    chmodSync(path.join(dir, "bin", "jupyter-lab"), 0o644);
    expect(await findJupyter({ searchPath: searchPath("bin"), extraDirs: [] })).toBeUndefined();
  });

  it("returns undefined where there is no Jupyter at all", async () => {
    expect(await findJupyter({ searchPath: searchPath("empty"), extraDirs: [] })).toBeUndefined();
  });
});

describe("noJupyterMessage", () => {
  it("says where it looked, how to install Jupyter three ways, and what works meanwhile", () => {
    const message = noJupyterMessage(["/usr/bin"]);
    expect(message).toContain("on PATH and in /usr/bin");
    expect(message).toContain("pip install --user jupyterlab");
    expect(message).toContain("conda install -c conda-forge jupyterlab");
    expect(message).toContain("apt install jupyter-notebook");
    expect(message).toContain("npm run handouts");
  });
});
