/**
 * Links that open a lesson where it runs: Binder (built from the course's repository) and a
 * JupyterHub (by default an nbgitpuller link, which clones or updates the repository in the
 * student's home folder and opens the notebook). Configured once, in package.json's "handouts"
 * field or by command-line options; with nothing configured a page carries no such link.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import type { LaunchLink } from "./page";

/**
 * Where a page's "Open in Binder" and "Open in your JupyterHub" links lead (package.json or the
 * command line).
 */
export interface LaunchConfig {
  /** The course's git repository, e.g. https://github.com/OWNER/sockets-course. */
  repository?: string;
  /** The branch Binder and nbgitpuller take (default "main"). */
  branch?: string;
  /**
   * A JupyterHub: its address (https://hub.example.edu) for an nbgitpuller link, or a whole link
   * with the placeholders {repository}, {branch}, {repositoryName}, {path} (the notebook's path in
   * the repository) and {notebook} (its file name), for a hub set up another way.
   */
  jupyterhub?: string;
  /** Offer Binder when a repository is given (default true). */
  binder?: boolean;
}

/** A configuration value that cannot be used, named with where it came from. */
export class LaunchConfigError extends Error {
  override name = "LaunchConfigError";
}

/**
 * Checks a configuration read from package.json or the command line.
 *
 * @param where what to name in an error ("package.json's handouts field", "--jupyterhub")
 * @throws LaunchConfigError for a value that is not an http(s) address or not a string
 */
export function checkLaunchConfig(value: unknown, where: string): LaunchConfig {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new LaunchConfigError(`${where} must be an object like { "repository": "https://..." }`);
  }
  const config = value as Record<string, unknown>;
  const out: LaunchConfig = {};
  for (const key of ["repository", "jupyterhub", "branch"] as const) {
    const field = config[key];
    if (field === undefined) continue;
    if (typeof field !== "string" || field.trim() === "") {
      throw new LaunchConfigError(`${where}: "${key}" must be a non-empty string`);
    }
    if (key !== "branch" && !/^https?:\/\/[^\s/]+/i.test(field)) {
      throw new LaunchConfigError(
        `${where}: "${key}" must be an http:// or https:// address, not "${field}"`,
      );
    }
    out[key] = field.trim();
  }
  if (config.binder !== undefined) {
    if (typeof config.binder !== "boolean") {
      throw new LaunchConfigError(`${where}: "binder" must be true or false`);
    }
    out.binder = config.binder;
  }
  return out;
}

/**
 * The launch links of one notebook.
 *
 * @param notebookPath the notebook's path inside the repository ("notebooks/03_server_side.ipynb")
 */
export function launchLinks(config: LaunchConfig, notebookPath: string): LaunchLink[] {
  const links: LaunchLink[] = [];
  const branch = config.branch ?? "main";
  const repository = config.repository?.replace(/\/+$/, "").replace(/\.git$/, "");
  if (repository && config.binder !== false) {
    const github = /^https:\/\/github\.com\/([^/]+)\/([^/]+)$/i.exec(repository);
    const spec = github
      ? `gh/${github[1]}/${github[2]}/${encodeURIComponent(branch)}`
      : `git/${encodeURIComponent(`${repository}.git`)}/${encodeURIComponent(branch)}`;
    links.push({
      title: "Open in Binder",
      href: `https://mybinder.org/v2/${spec}?urlpath=${encodeURIComponent(`lab/tree/${notebookPath}`)}`,
    });
  }
  if (config.jupyterhub) {
    const hub = config.jupyterhub.replace(/\/+$/, "");
    const repositoryName = repository?.split("/").at(-1) ?? "";
    const template = hub.includes("{")
      ? hub
      : repository
        ? `${hub}/hub/user-redirect/git-pull?repo={repository}&branch={branch}&urlpath={urlpath}`
        : undefined;
    if (template !== undefined) {
      const values: Record<string, string> = {
        repository: encodeURIComponent(repository ?? ""),
        branch: encodeURIComponent(branch),
        repositoryName: encodeURIComponent(repositoryName),
        path: notebookPath.split("/").map(encodeURIComponent).join("/"),
        notebook: encodeURIComponent(notebookPath.split("/").at(-1) ?? ""),
        urlpath: encodeURIComponent(`lab/tree/${repositoryName}/${notebookPath}`),
      };
      links.push({
        title: "Open in your JupyterHub",
        href: template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole),
      });
    }
  }
  return links;
}

/**
 * The launch configuration in the project's package.json ("handouts": { "repository", "jupyterhub",
 * "branch", "binder" }); none when the field is absent.
 *
 * @throws LaunchConfigError for a field that cannot be used
 */
export async function packageLaunchConfig(root: string): Promise<LaunchConfig> {
  const manifest = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
    handouts?: unknown;
  };
  return checkLaunchConfig(manifest.handouts, `${path.join(root, "package.json")}: "handouts"`);
}
