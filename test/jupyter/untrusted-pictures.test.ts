/**
 * A fresh clone's notebooks are "Not Trusted" in Jupyter, and Notebook 6 then hides stored SVG.
 * Here Notebook 6 (Debian's, as `npm start` runs it) serves two notebooks that no Jupyter ever
 * signed, and Chromium opens them: the diagram stored as `npm run execute` stores it (SVG and its
 * PNG, scripts/runner/pictures.ts) shows, unrun; the same diagram as SVG alone shows nothing.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { findJupyter, type JupyterInstall } from "../../scripts/jupyter/find-jupyter";
import { projectRoot } from "../../scripts/jupyter/kernelspec";
import { type RunningJupyter, startJupyter } from "../../scripts/jupyter/start";
import type { Output } from "../../scripts/notebook";
import { withPictures } from "../../scripts/runner/pictures";
import { sequenceDiagram } from "../../src/trace/diagram/sequence-diagram";
import { echo } from "../support/diagram";

const chromiumPath = "/usr/bin/chromium";
const jupyter = await findJupyter({ prefer: "notebook" });
const notebook6 = jupyter?.frontEnd === "notebook" && jupyter.version.startsWith("6.");
const ready = notebook6 && existsSync(chromiumPath);
const results = path.join(projectRoot, "test-results", "handouts");

function notebookWith(outputs: Output[]): string {
  return `${JSON.stringify(
    {
      cells: [
        {
          cell_type: "code",
          execution_count: null,
          id: "diagram",
          metadata: {},
          outputs,
          source: ["tslab.display.svg(sequenceDiagram(events));"],
        },
      ],
      metadata: {
        kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" },
      },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  )}\n`;
}

describe.skipIf(!ready)(
  ready
    ? "a stored diagram in a notebook Jupyter Notebook 6 opens as Not Trusted"
    : "a stored diagram in an untrusted notebook: SKIPPED, needs Debian's jupyter-notebook 6 and /usr/bin/chromium",
  () => {
    let server: RunningJupyter;
    let browser: Browser;
    let isolated: string;

    beforeAll(async () => {
      isolated = mkdtempSync(path.join(os.tmpdir(), "sockets-course-untrusted-"));
      const folder = path.join(isolated, "notebooks");
      await mkdir(folder);
      await mkdir(results, { recursive: true });
      const svg = sequenceDiagram(echo, { title: "One client of the echo server" });
      const display: Output = {
        output_type: "display_data",
        data: { "image/svg+xml": svg },
        metadata: {},
      };
      await writeFile(
        path.join(folder, "stored.ipynb"),
        notebookWith(await withPictures([display])),
      );
      await writeFile(path.join(folder, "svg-only.ipynb"), notebookWith([display]));
      server = await startJupyter({
        jupyter: jupyter as JupyterInstall,
        notebookDir: folder,
        port: 0,
        output: "pipe",
        jupyterPath: path.join(isolated, "jupyter-path"),
        // A fresh data folder: no trust signature of any earlier run.
        env: {
          JUPYTER_CONFIG_DIR: path.join(isolated, "config"),
          JUPYTER_DATA_DIR: path.join(isolated, "data"),
          JUPYTER_RUNTIME_DIR: path.join(isolated, "runtime"),
          IPYTHONDIR: path.join(isolated, "ipython"),
        },
      });
      browser = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      if (isolated) rmSync(isolated, { recursive: true, force: true });
    });

    async function open(name: string) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${server.baseUrl}/notebooks/${name}?token=${server.token}`);
      // The notebook is drawn once its cell is; an output Jupyter will not show leaves no area.
      await page.waitForSelector(".cell .input_area", { timeout: 60_000 });
      await page.waitForFunction(
        () => document.querySelector("#notification_trusted")?.textContent?.trim() !== "",
      );
      return page;
    }

    test("with the PNG npm run execute stores beside the SVG, the diagram shows unrun", async () => {
      const page = await open("stored.ipynb");
      expect(await page.locator("#notification_trusted").textContent()).toBe("Not Trusted");
      expect(await page.locator(".output_svg").count()).toBe(0);
      const image = page.locator(".output_png img");
      await expect
        .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth))
        .toBeGreaterThan(100);
      const shown = await image.evaluate((img: HTMLImageElement) => img.width);
      expect(shown).toBeGreaterThan(100);
      await image.scrollIntoViewIfNeeded();
      await page.screenshot({
        path: path.join(results, "jupyter-notebook6-untrusted-diagram.png"),
      });
      await page.close();
    }, 120_000);

    test("with the SVG alone, as before, the untrusted notebook shows no picture at all", async () => {
      const page = await open("svg-only.ipynb");
      expect(await page.locator("#notification_trusted").textContent()).toBe("Not Trusted");
      expect(await page.locator(".output_png img").count()).toBe(0);
      expect(await page.locator(".output_svg svg").count()).toBe(0);
      await page.close();
    }, 120_000);
  },
);
