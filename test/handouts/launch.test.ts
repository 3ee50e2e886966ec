import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, test } from "vitest";

import {
  checkLaunchConfig,
  LaunchConfigError,
  launchLinks,
  packageLaunchConfig,
} from "../../scripts/handouts/launch";

const notebook = "notebooks/03_server_side.ipynb";

describe("launchLinks", () => {
  test("gives no link when nothing is configured", () => {
    expect(launchLinks({}, notebook)).toEqual([]);
  });

  test("opens a GitHub repository's notebook in Binder, on the branch given", () => {
    expect(
      launchLinks(
        { repository: "https://github.com/OWNER/sockets-course.git", branch: "v2" },
        notebook,
      ),
    ).toEqual([
      {
        title: "Open in Binder",
        href: "https://mybinder.org/v2/gh/OWNER/sockets-course/v2?urlpath=lab%2Ftree%2Fnotebooks%2F03_server_side.ipynb",
      },
    ]);
  });

  test("opens another git host's repository in Binder by its URL, and leaves Binder out when told", () => {
    const [binder] = launchLinks(
      { repository: "https://git.example.edu/course/sockets" },
      notebook,
    );
    expect(binder.href).toBe(
      "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.edu%2Fcourse%2Fsockets.git/main?urlpath=lab%2Ftree%2Fnotebooks%2F03_server_side.ipynb",
    );
    expect(launchLinks({ repository: "https://github.com/o/r", binder: false }, notebook)).toEqual(
      [],
    );
  });

  test("makes an nbgitpuller link for a hub given by its address", () => {
    const links = launchLinks(
      {
        repository: "https://github.com/OWNER/sockets-course",
        jupyterhub: "https://hub.example.edu/",
      },
      notebook,
    );
    expect(links[1]).toEqual({
      title: "Open in your JupyterHub",
      href: "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2FOWNER%2Fsockets-course&branch=main&urlpath=lab%2Ftree%2Fsockets-course%2Fnotebooks%2F03_server_side.ipynb",
    });
  });

  test("fills a hub link template, for a hub whose image holds the course", () => {
    const [hub] = launchLinks(
      {
        jupyterhub:
          "https://hub.example.edu/hub/user-redirect/lab/tree/sockets-course/notebooks/{notebook}",
      },
      notebook,
    );
    expect(hub.href).toBe(
      "https://hub.example.edu/hub/user-redirect/lab/tree/sockets-course/notebooks/03_server_side.ipynb",
    );
  });
});

describe("checkLaunchConfig", () => {
  test("refuses an address that is not http(s), naming the field and where it came from", () => {
    expect(() => checkLaunchConfig({ jupyterhub: "hub.example.edu" }, "--jupyterhub")).toThrow(
      new LaunchConfigError(
        '--jupyterhub: "jupyterhub" must be an http:// or https:// address, not "hub.example.edu"',
      ),
    );
    expect(() => checkLaunchConfig("https://x", "package.json")).toThrow(LaunchConfigError);
  });

  test("reads package.json's handouts field, and nothing when it is absent", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "launch-"));
    await writeFile(path.join(folder, "package.json"), JSON.stringify({ name: "x" }));
    expect(await packageLaunchConfig(folder)).toEqual({});
    await writeFile(
      path.join(folder, "package.json"),
      JSON.stringify({ handouts: { repository: "https://github.com/o/r", binder: false } }),
    );
    expect(await packageLaunchConfig(folder)).toEqual({
      repository: "https://github.com/o/r",
      binder: false,
    });
  });
});
