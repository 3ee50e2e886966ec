import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { kernelNodeFlags, projectRoot } from "../../scripts/jupyter/kernelspec";
import {
  ForeignKernelError,
  installKernel,
  jupyterDataDir,
  kernelDir,
  uninstallKernel,
  userKernelName,
} from "../../scripts/jupyter/user-kernel";

describe("jupyterDataDir", () => {
  it("follows JUPYTER_DATA_DIR when it is set", () => {
    expect(jupyterDataDir({ JUPYTER_DATA_DIR: "/x/jupyter" }, "linux", "/home/ada")).toBe(
      "/x/jupyter",
    );
  });

  it("is ~/.local/share/jupyter on Linux, or under XDG_DATA_HOME", () => {
    expect(jupyterDataDir({}, "linux", "/home/ada")).toBe("/home/ada/.local/share/jupyter");
    expect(jupyterDataDir({ XDG_DATA_HOME: "/data" }, "linux", "/home/ada")).toBe("/data/jupyter");
  });

  it("is ~/Library/Jupyter on macOS", () => {
    expect(jupyterDataDir({}, "darwin", "/Users/ada")).toBe("/Users/ada/Library/Jupyter");
  });
});

describe("installKernel and uninstallKernel", () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    // Never the real user's folder.
    dataDir = mkdtempSync(path.join(os.tmpdir(), "sockets-course-kernel-"));
    env = { JUPYTER_DATA_DIR: dataDir };
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  function readSpec(dir: string) {
    return JSON.parse(readFileSync(path.join(dir, "kernel.json"), "utf8"));
  }

  it("installs a kernel named sockets-course-tslab that runs this project's tslab through its launcher with this node", () => {
    const dir = installKernel({ env });
    expect(dir).toBe(path.join(dataDir, "kernels", userKernelName));
    const spec = readSpec(dir);
    expect(spec.argv).toEqual([
      process.execPath,
      ...kernelNodeFlags,
      path.join(projectRoot, "scripts", "tslab-kernel", "start.mjs"),
      "kernel",
      "--config-path",
      "{connection_file}",
    ]);
    expect(spec.language).toBe("typescript");
    expect(spec.display_name).toBe("TypeScript (sockets-course)");
  });

  it("installs under <prefix>/share/jupyter/kernels with --prefix, named as asked", () => {
    const dir = installKernel({ prefix: path.join(dataDir, "env"), name: "tslab" });
    expect(dir).toBe(path.join(dataDir, "env", "share", "jupyter", "kernels", "tslab"));
    expect(readSpec(dir).display_name).toBe("TypeScript");
  });

  it("uninstall removes what install added and nothing else", () => {
    mkdirSync(path.join(dataDir, "kernels", "python3"), { recursive: true });
    const dir = installKernel({ env });
    expect(uninstallKernel({ env })).toBe(dir);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(path.join(dataDir, "kernels", "python3"))).toBe(true);
  });

  it("uninstall keeps files someone else put in the kernel's folder", () => {
    const dir = installKernel({ env });
    writeFileSync(path.join(dir, "logo-64x64.png"), "");
    uninstallKernel({ env });
    expect(existsSync(path.join(dir, "kernel.json"))).toBe(false);
    expect(existsSync(path.join(dir, "logo-64x64.png"))).toBe(true);
  });

  it("uninstall says there was nothing to remove when nothing is installed", () => {
    expect(uninstallKernel({ env })).toBeUndefined();
  });

  it("installing twice replaces its own kernelspec", () => {
    installKernel({ env });
    expect(() => installKernel({ env })).not.toThrow();
  });

  it("neither replaces nor removes a kernel of the same name that it did not install", () => {
    const dir = kernelDir({ env, name: "tslab" });
    mkdirSync(dir, { recursive: true });
    const foreign =
      '{"argv": ["tslab", "kernel"], "display_name": "TypeScript", "language": "typescript"}';
    writeFileSync(path.join(dir, "kernel.json"), foreign);
    expect(() => installKernel({ env, name: "tslab" })).toThrow(ForeignKernelError);
    expect(() => uninstallKernel({ env, name: "tslab" })).toThrow(
      /not installed by sockets-course/,
    );
    expect(readFileSync(path.join(dir, "kernel.json"), "utf8")).toBe(foreign);
  });

  const jupyter = ["/usr/bin/jupyter", "/usr/local/bin/jupyter"].find((f) => existsSync(f));
  it.skipIf(!jupyter)("is listed by `jupyter kernelspec list` (where Jupyter is installed)", () => {
    installKernel({ env });
    const listed = JSON.parse(
      execFileSync(jupyter as string, ["kernelspec", "list", "--json"], {
        encoding: "utf8",
        env: { ...process.env, JUPYTER_DATA_DIR: dataDir, JUPYTER_PATH: "" },
      }),
    );
    expect(listed.kernelspecs[userKernelName]?.resource_dir).toBe(kernelDir({ env }));
  });
});
