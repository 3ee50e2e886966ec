/**
 * binder/postBuild, the step repo2docker runs to build the course's image, run here on a copy of
 * the repository with a scratch environment prefix: it must leave a registered tslab kernel that
 * Jupyter starts (through nbclient, as `jupyter nbconvert --execute` does) and that imports the
 * helper. Nothing outside the temporary folder is touched: not the user's Jupyter folders, not
 * npm's cache (a copy is used, since postBuild cleans it).
 */
import { execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { kernelArgv, projectRoot } from "../../scripts/jupyter/kernelspec";

const jupyter = ["/usr/bin/jupyter", "/usr/local/bin/jupyter"].find((f) => existsSync(f));
const canRun = jupyter !== undefined && process.platform !== "win32";
if (!canRun) {
  console.warn(
    "SKIPPED test/classroom/postbuild.classroom.ts: needs bash and a Jupyter with nbconvert",
  );
}

/**
 * Copies the repository as a clone would hold it: what git tracks or would track (not what
 * .gitignore leaves out, such as node_modules/), as it is in the working tree.
 */
function copyRepository(to: string): void {
  const list = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
  const files = execFileSync("git", list, { cwd: projectRoot, encoding: "utf8" })
    .split("\0")
    .filter((f) => f !== "");
  for (const file of files) {
    const from = path.join(projectRoot, file);
    if (!existsSync(from) && !isSymlink(from)) continue; // deleted, not yet committed
    if (existsSync(path.join(to, file))) continue; // listed twice (--cached and --others)
    const target = path.join(to, file);
    mkdirSync(path.dirname(target), { recursive: true });
    if (isSymlink(from)) symlinkSync(readlinkSync(from), target);
    else cpSync(from, target, { preserveTimestamps: true });
  }
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

describe.skipIf(!canRun)("binder/postBuild", () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "sockets-course-postbuild-"));
  const repo = path.join(scratch, "repo");
  const prefix = path.join(scratch, "env");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // repo2docker's name for the environment Jupyter runs from.
    NB_PYTHON_PREFIX: prefix,
    // The node running this test first, as conda's node is in the image.
    PATH: [path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
    npm_config_cache: path.join(scratch, "npm-cache"),
    npm_config_prefer_offline: "true",
    JUPYTER_CONFIG_DIR: path.join(scratch, "jupyter-config"),
    JUPYTER_DATA_DIR: path.join(scratch, "jupyter-data"),
    JUPYTER_RUNTIME_DIR: path.join(scratch, "jupyter-runtime"),
    // Only the scratch environment's kernels, as in the image.
    JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("installs the packages and registers the tslab kernel in the environment", async () => {
    copyRepository(repo);
    // postBuild ends with `npm cache clean`: give it a copy of the cache, which also spares the
    // network whatever is already downloaded.
    const cache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
    if (existsSync(path.join(cache, "_cacache"))) {
      cpSync(path.join(cache, "_cacache"), path.join(scratch, "npm-cache", "_cacache"), {
        recursive: true,
      });
    }

    const build = await run(path.join(repo, "binder", "postBuild"), [], { cwd: repo, env });
    expect(build.code, build.output).toBe(0);

    const spec = JSON.parse(
      readFileSync(
        path.join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json"),
        "utf8",
      ),
    );
    // The one command line every kernel of the course runs (scripts/jupyter/kernelspec.ts).
    expect(spec.argv).toEqual(kernelArgv({ root: repo, node: spec.argv[0] }));
    // The image is built with the kernel's caches, so no student's first kernel makes them.
    const caches = readdirSync(path.join(repo, "node_modules", ".cache", "tslab-kernel"));
    expect(
      caches.some((name) => /^helper-\w+\.json$/.test(name)),
      caches.join(", "),
    ).toBe(true);
    expect(
      caches.some((name) => name.endsWith(".v8")),
      caches.join(", "),
    ).toBe(true);
    expect(spec.display_name).toBe("TypeScript");
    const listed = JSON.parse(
      execFileSync(jupyter as string, ["kernelspec", "list", "--json"], { encoding: "utf8", env }),
    );
    expect(listed.kernelspecs.tslab.resource_dir).toBe(
      path.join(prefix, "share", "jupyter", "kernels", "tslab"),
    );
  });

  /** Runs a one-cell notebook in `folder` through nbconvert; returns what the cell printed. */
  async function runNotebookIn(folder: string): Promise<string> {
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
      },
      cells: [
        {
          id: "postbuild-check",
          cell_type: "code",
          metadata: {},
          execution_count: null,
          outputs: [],
          source:
            'import { VERSION } from "./src/index";\nconsole.log("helper", VERSION, "in", process.cwd());',
        },
      ],
    };
    const file = path.join(folder, "postbuild-check.ipynb");
    writeFileSync(file, JSON.stringify(notebook));
    const result = await run(
      jupyter as string,
      ["nbconvert", "--to", "notebook", "--execute", "--output", "postbuild-check.out.ipynb", file],
      { cwd: folder, env },
    );
    expect(result.code, result.output).toBe(0);
    const executed = JSON.parse(
      readFileSync(path.join(folder, "postbuild-check.out.ipynb"), "utf8"),
    );
    rmSync(file);
    rmSync(path.join(folder, "postbuild-check.out.ipynb"));
    return executed.cells[0].outputs.map((o: { text?: string }) => o.text ?? "").join("");
  }

  it("leaves a kernel that Jupyter starts for a notebook, and that imports the helper", async () => {
    const printed = await runNotebookIn(path.join(repo, "notebooks"));
    expect(printed).toMatch(/^helper \d+\.\d+\.\d+/);
    expect(printed).toContain(`in ${path.join(repo, "notebooks")}`);
  });

  it("start does nothing where the course is the home folder (Binder)", async () => {
    const started = await run(path.join(repo, "binder", "start"), ["true"], {
      cwd: repo,
      env: { ...env, HOME: repo, REPO_DIR: repo },
    });
    expect(started.code, started.output).toBe(0);
    expect(existsSync(path.join(repo, "sockets-course"))).toBe(false);
  });

  it("start gives a student with a persistent home a working copy of the lessons (JupyterHub)", async () => {
    const home = path.join(scratch, "home");
    mkdirSync(home);
    const startScript = path.join(repo, "binder", "start");
    const hubEnv = { ...env, HOME: home, REPO_DIR: repo };
    // Dot files (.ipynb_checkpoints) are Jupyter's own, not lessons.
    const visible = (dir: string) => readdirSync(dir).filter((name) => !name.startsWith("."));
    // The student editions when postBuild made them, else the lessons themselves.
    const published = existsSync(path.join(repo, "dist", "student"))
      ? path.join(repo, "dist", "student")
      : path.join(repo, "notebooks");
    const lessons = visible(published);

    const first = await run(startScript, ["true"], { cwd: home, env: hubEnv });
    expect(first.code, first.output).toBe(0);
    const mine = path.join(home, "sockets-course", "notebooks");
    expect(visible(mine).sort()).toEqual(lessons.sort());
    const printed = await runNotebookIn(mine);
    expect(printed).toMatch(/^helper \d+\.\d+\.\d+/);
    expect(printed).toContain(`in ${mine}`);

    // Next start: the student's own work stays, a lesson published since is added.
    writeFileSync(path.join(mine, "my-work.ipynb"), "{}");
    writeFileSync(path.join(published, "99_new_lesson.ipynb"), "{}");
    const again = await run(startScript, ["true"], { cwd: home, env: hubEnv });
    expect(again.code, again.output).toBe(0);
    expect(readFileSync(path.join(mine, "my-work.ipynb"), "utf8")).toBe("{}");
    expect(existsSync(path.join(mine, "99_new_lesson.ipynb"))).toBe(true);
  });
});
