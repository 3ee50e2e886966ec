/**
 * Registers the course's kernel where any Jupyter front end looks (a user's JupyterLab or
 * Notebook, VS Code's notebook editor), for people who do not start Jupyter with `npm start`.
 *
 * The kernel.json is written directly, as `jupyter kernelspec install` would, so no Jupyter is
 * needed to install it (VS Code does not need one). It carries a marker, so uninstalling
 * removes only what this project installed and never a kernel of the same name from elsewhere.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";

import { kernelJson, projectRoot } from "./kernelspec";

/**
 * The default name: distinct from "tslab", so a tslab the user installed globally is never
 * replaced. Notebooks ask for "tslab"; Jupyter falls back to the only kernel whose language is
 * "typescript", and VS Code lists it by its display name.
 */
export const userKernelName = "sockets-course-tslab";

/** The key in kernel.json's metadata that marks a kernelspec as this project's. */
export const ownerKey = "sockets_course";

/**
 * Where `npm run kernel:install` puts the kernelspec: its name and the Jupyter data folder (user or
 * --prefix).
 */
export interface KernelLocation {
  /** The kernelspec's name (its folder's name); default userKernelName. */
  name?: string;
  /**
   * Install under `<prefix>/share/jupyter/kernels/` (a conda env or virtualenv: what
   * `jupyter kernelspec install --prefix` does) instead of the user's Jupyter data folder.
   */
  prefix?: string;
  /** Environment consulted for JUPYTER_DATA_DIR / XDG_DATA_HOME / APPDATA; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The project whose tslab the kernel runs; default this one. */
  root?: string;
}

/**
 * The user's Jupyter data folder, by jupyter_core's rules: JUPYTER_DATA_DIR if set, else
 * ~/Library/Jupyter (macOS), %APPDATA%\jupyter (Windows), $XDG_DATA_HOME/jupyter or
 * ~/.local/share/jupyter (Linux and others).
 */
export function jupyterDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = os.homedir(),
): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (platform === "win32") {
    return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "jupyter");
  }
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

/** The folder that holds the kernelspec (`.../kernels/<name>`). */
export function kernelDir(location: KernelLocation = {}): string {
  const dataDir = location.prefix
    ? path.join(location.prefix, "share", "jupyter")
    : jupyterDataDir(location.env);
  return path.join(dataDir, "kernels", location.name ?? userKernelName);
}

/** The kernel.json this project installs. */
export function userKernelJson(location: KernelLocation = {}): Record<string, unknown> {
  const root = location.root ?? projectRoot;
  const name = location.name ?? userKernelName;
  return {
    ...kernelJson(root),
    // Under the name notebooks ask for (a course image), the name they show; else tell it apart.
    display_name: name === "tslab" ? "TypeScript" : "TypeScript (sockets-course)",
    metadata: { [ownerKey]: { project: root } },
  };
}

/** Thrown when a kernelspec of that name exists and was not installed by this project. */
export class ForeignKernelError extends Error {
  override name = "ForeignKernelError";
  readonly code = "ERR_FOREIGN_KERNEL";
  constructor(readonly dir: string) {
    super(`The kernel in ${dir} was not installed by sockets-course: left untouched.`);
  }
}

/**
 * Writes the kernelspec; replaces one this project installed before (e.g. from another clone),
 * refuses to replace anyone else's. Returns the kernel's folder.
 */
export function installKernel(location: KernelLocation = {}): string {
  const dir = kernelDir(location);
  if (existsSync(dir) && !isOurs(dir)) throw new ForeignKernelError(dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "kernel.json"),
    `${JSON.stringify(userKernelJson(location), null, 2)}\n`,
  );
  return dir;
}

/**
 * Removes the kernelspec installKernel() wrote; returns its folder, or undefined when there was
 * nothing to remove. Refuses (ForeignKernelError) to remove a kernelspec it did not write.
 */
export function uninstallKernel(location: KernelLocation = {}): string | undefined {
  const dir = kernelDir(location);
  if (!existsSync(dir)) return undefined;
  if (!isOurs(dir)) throw new ForeignKernelError(dir);
  rmSync(path.join(dir, "kernel.json"));
  // The folder too, unless someone put files of their own in it. The shared kernels/ folder
  // above stays: other kernels live there.
  if (readdirSync(dir).length === 0) rmdirSync(dir);
  return dir;
}

/** True when `dir/kernel.json` carries this project's marker. */
function isOurs(dir: string): boolean {
  try {
    const spec = JSON.parse(readFileSync(path.join(dir, "kernel.json"), "utf8"));
    return typeof spec?.metadata?.[ownerKey] === "object";
  } catch {
    return false;
  }
}
