/**
 * The repo2docker configuration (binder/) is well-formed. Building the image needs Docker and
 * repo2docker; test/classroom/postbuild.classroom.ts runs the build step itself.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { projectRoot } from "../../scripts/jupyter/kernelspec";

const binder = path.join(projectRoot, "binder");

/** A Python that can read YAML (Debian's has PyYAML; the one first on PATH may not). */
const python = ["/usr/bin/python3", "python3"].find(
  (candidate) => spawnSync(candidate, ["-c", "import yaml"]).status === 0,
);

describe("binder/environment.yml", () => {
  it.skipIf(!python)("is valid YAML asking conda-forge for Node.js 20", () => {
    const json = execFileSync(
      python as string,
      [
        "-c",
        "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        path.join(binder, "environment.yml"),
      ],
      { encoding: "utf8" },
    );
    const environment = JSON.parse(json);
    expect(environment.channels).toContain("conda-forge");
    expect(environment.dependencies).toContain("nodejs=20");
  });

  it("asks for the Node.js major version package.json's engines accepts", () => {
    const text = readFileSync(path.join(binder, "environment.yml"), "utf8");
    const major = Number(/nodejs=(\d+)/.exec(text)?.[1]);
    const engines = JSON.parse(
      readFileSync(path.join(projectRoot, "package.json"), "utf8"),
    ).engines;
    const minimum = Number(/>=\s*(\d+)/.exec(engines.node)?.[1]);
    expect(major).toBeGreaterThanOrEqual(minimum);
  });
});

describe("binder/postBuild", () => {
  const file = path.join(binder, "postBuild");
  const text = readFileSync(file, "utf8");

  it("is an executable bash script that stops at the first failing command", () => {
    // repo2docker runs it as ./binder/postBuild and, without set -e, ignores failures.
    expect(text.startsWith("#!/bin/bash\n")).toBe(true);
    expect(text).toMatch(/^set -euo pipefail$/m);
    expect(statSync(file).mode & 0o111).not.toBe(0);
  });

  it.skipIf(process.platform === "win32")("parses as bash", () => {
    expect(spawnSync("bash", ["-n", file]).status).toBe(0);
  });

  it("runs only npm scripts that package.json defines, unless it says --if-present", () => {
    const scripts = JSON.parse(
      readFileSync(path.join(projectRoot, "package.json"), "utf8"),
    ).scripts;
    const calls = [...text.matchAll(/npm run ((?:--[\w-]+ )*)([\w:-]+)/g)];
    expect(calls.length).toBeGreaterThan(0);
    for (const [, flags, name] of calls) {
      if (!flags.includes("--if-present")) expect(Object.keys(scripts)).toContain(name);
    }
  });

  it("installs with npm ci, so the image gets exactly the versions in package-lock.json", () => {
    expect(text).toMatch(/^npm ci\b/m);
  });
});

describe("binder/start", () => {
  const file = path.join(binder, "start");
  const text = readFileSync(file, "utf8");

  it("is an executable bash script that ends by running the server it was given", () => {
    // repo2docker's rule for start: the last line must be `exec "$@"`.
    expect(text.startsWith("#!/bin/bash\n")).toBe(true);
    expect(text).toMatch(/^set -euo pipefail$/m);
    expect(text.trimEnd().split("\n").at(-1)).toBe('exec "$@"');
    expect(statSync(file).mode & 0o111).not.toBe(0);
  });

  it.skipIf(process.platform === "win32")("parses as bash", () => {
    expect(spawnSync("bash", ["-n", file]).status).toBe(0);
  });
});
