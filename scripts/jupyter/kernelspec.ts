/**
 * The project-local tslab kernelspec: Jupyter finds it through JUPYTER_PATH, so the course never
 * touches the user's global Jupyter set-up.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { projectRoot } from "../cli/project";

/** Re-exported: the kernelspec is written for this root; defined once in cli/project.ts. */
export { projectRoot };

/** Where `npm run kernel:install` and the CI checks put the kernelspec: a JUPYTER_PATH entry. */
export const localJupyterPath = path.join(projectRoot, ".jupyter-local");

/** The name notebooks ask for in metadata.kernelspec.name. */
export const kernelName = "tslab";

/**
 * The Node.js flags of the kernel process. `--max-semi-space-size=1` (MiB; V8's default on 64-bit
 * is 16): the young generation stays small, so a kernel that ran a lesson holds 15-20 MB less
 * (188-190 MB against 200-212 MB in three paired runs), at no CPU time measurable here (3.94-4.06 s
 * against 3.79-4.06 s for lesson 01): most of what a kernel allocates (TypeScript's syntax trees)
 * lives long anyway. Measured with `npm run bench -- --only kernel` and by hand; see the README.
 */
export const kernelNodeFlags: readonly string[] = ["--max-semi-space-size=1"];

/**
 * The kernel's command line, the one place that decides it: every kernelspec this project writes
 * (`npm start`, `npm run kernel:install`, the classroom image's binder/postBuild) and every kernel
 * `npm run execute` starts run exactly this. `{connection_file}` is Jupyter's placeholder.
 *
 * `plain: true` gives tslab's own command line, as the course ran before the launcher
 * (scripts/tslab-kernel/): the benchmarks' "before", and a way back should the launcher misbehave
 * (`SOCKETS_COURSE_PLAIN_TSLAB=1 npm run execute`). `node` defaults to the Node.js running this
 * script (the one that installed node_modules).
 */
export function kernelArgv({
  root = projectRoot,
  node = process.execPath,
  plain = false,
}: {
  root?: string;
  node?: string;
  plain?: boolean;
} = {}): string[] {
  // Absolute paths, node included: Jupyter (or VS Code started from a desktop menu) launches
  // kernels with a PATH that may hold neither node_modules/.bin nor the `node` that tslab's
  // `#!/usr/bin/env node` script needs.
  const program = plain
    ? path.join(root, "node_modules", "tslab", "bin", "tslab")
    : path.join(root, "scripts", "tslab-kernel", "start.mjs");
  return [
    node,
    ...(plain ? [] : kernelNodeFlags),
    program,
    "kernel",
    "--config-path",
    "{connection_file}",
  ];
}

/**
 * What goes into kernels/tslab/kernel.json.
 *
 * `node` defaults to the Node.js running this script (the one that installed node_modules).
 */
export function kernelJson(root = projectRoot, node = process.execPath): Record<string, unknown> {
  return {
    argv: kernelArgv({ root, node }),
    display_name: "TypeScript",
    language: "typescript",
  };
}

/**
 * Writes `<jupyterPath>/kernels/tslab/kernel.json` and returns the kernel's folder.
 * Point JUPYTER_PATH at `jupyterPath` for Jupyter to find it.
 */
export function writeKernelspec(jupyterPath = localJupyterPath, root = projectRoot): string {
  const dir = path.join(jupyterPath, "kernels", kernelName);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "kernel.json"), `${JSON.stringify(kernelJson(root), null, 2)}\n`);
  return dir;
}

/**
 * Makes the kernel's caches now (the V8 code cache of tslab's TypeScript and the helper's compiled
 * view, see scripts/tslab-kernel/), with the kernel's own Node and flags, so that the first kernel
 * a student starts does not make them: `npm run kernel:install` runs it, and so the classroom
 * image's build. Returns what went wrong, or undefined; without them kernels only start slower.
 */
export function prepareKernel(root = projectRoot, node = process.execPath): string | undefined {
  const [program, ...args] = kernelArgv({ root, node }).slice(0, -3);
  const result = spawnSync(program, [...args, "warm"], { encoding: "utf8" });
  if (result.error) return result.error.message;
  if (result.status !== 0) return (result.stderr || `exit status ${result.status}`).trim();
  return undefined;
}
