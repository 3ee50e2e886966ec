/**
 * The handouts in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
 * browser). The real course is built (or, while notebooks/ is empty, the fixture course), every
 * page is opened from file://, and the test checks: no console error, no request leaving the page,
 * links that resolve, a print view without navigation. The hostile fixture must open no dialog.
 *
 * Screenshots (light, dark, print) are saved to test-results/handouts/ for a reviewer to look at.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { courseNotebooks } from "../../scripts/handouts/cli";
import { buildHandouts, createRenderer } from "../../scripts/handouts/export";
import { writeDirectory } from "../../scripts/handouts/write";

const chromiumPath = "/usr/bin/chromium";
const root = path.resolve(import.meta.dirname, "../..");
const results = path.join(root, "test-results", "handouts");
const fixtures = path.join(root, "test/fixtures/handouts");
const hasChromium = existsSync(chromiumPath);

// Decided before the tests are declared, so their names say what they open.
const courseFiles = await courseNotebooks(root).catch(() => undefined);
const course = courseFiles
  ? { files: courseFiles, what: "the real course (notebooks/)" }
  : {
      files: ["01_basics", "02_outputs", "03_exercises"].map((n) =>
        path.join(fixtures, "course", `${n}.ipynb`),
      ),
      what: "the fixture course (notebooks/ is empty)",
    };

const flags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

/** What a page did while it was open: everything that must stay empty. */
interface Visit {
  consoleErrors: string[];
  requestsOut: string[];
  dialogs: string[];
}

let browser: Browser;
let context: BrowserContext;
let site: string;
let hostileSite: string;

/** Opens a page from file:// and records console errors, requests that are not file:, dialogs. */
async function visit(
  url: string,
  setup?: (page: Page) => Promise<void>,
): Promise<{ page: Page; visit: Visit }> {
  const page = await context.newPage();
  const record: Visit = { consoleErrors: [], requestsOut: [], dialogs: [] };
  page.on("console", (message) => {
    if (message.type() === "error") record.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => record.consoleErrors.push(error.message));
  page.on("dialog", (dialog) => {
    record.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await setup?.(page);
  await page.goto(url, { waitUntil: "load" });
  return { page, visit: record };
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(results, `${name}.png`), fullPage: true });
}

describe.skipIf(!hasChromium)(
  hasChromium
    ? `handouts in Chromium: ${course.what}`
    : `handouts in Chromium: SKIPPED, ${chromiumPath} is not installed (apt-get install chromium)`,
  () => {
    beforeAll(async () => {
      await mkdir(results, { recursive: true });
      const renderer = await createRenderer();
      site = path.join(results, "site");
      await writeDirectory(
        site,
        (await buildHandouts({ files: course.files, edition: "instructor" }, renderer)).files,
        "test/handouts/browser.test.ts",
      );
      hostileSite = path.join(results, "hostile-site");
      const hostile = [
        path.join(fixtures, "hostile", "hostile.ipynb"),
        path.join(fixtures, "course", "02_outputs.ipynb"),
      ];
      await writeDirectory(
        hostileSite,
        (await buildHandouts({ files: hostile, edition: "student" }, renderer)).files,
        "test/handouts/browser.test.ts",
      );
      // Playwright starts Chromium with a fresh temporary profile (--user-data-dir) each launch.
      browser = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: flags,
      });
      context = await newContext({});
    }, 120_000);

    const outside: string[] = [];

    /** A browser context in which every request is seen: file: ones proceed, others are refused. */
    async function newContext(options: { javaScriptEnabled?: boolean }) {
      const created = await browser.newContext({
        viewport: { width: 1200, height: 900 },
        ...options,
      });
      await created.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
        outside.push(url);
        return route.abort();
      });
      return created;
    }

    afterAll(async () => {
      await browser?.close();
    });

    const pages = () => [
      "index.html",
      ...course.files.map((f) => `${path.basename(f, ".ipynb")}.html`),
    ];

    test("every page loads with no console error and no request leaving the page", async () => {
      for (const name of pages()) {
        const { page, visit: seen } = await visit(pathToFileURL(path.join(site, name)).href);
        expect(seen.consoleErrors, name).toEqual([]);
        expect(await page.locator("main").count(), name).toBe(1);
        await screenshot(page, `${path.basename(name, ".html")}-light`);
        await page.close();
      }
      expect(outside).toEqual([]);
    }, 120_000);

    test("every link between pages resolves, fragments included", async () => {
      // Each page's ids and links, read once; then every link is checked against them.
      const ids = new Map<string, Set<string>>();
      const links: Array<{ from: string; href: string }> = [];
      for (const name of pages()) {
        const { page } = await visit(pathToFileURL(path.join(site, name)).href);
        ids.set(
          path.join(site, name),
          new Set(await page.$$eval("[id]", (all) => all.map((e) => e.id))),
        );
        const hrefs = await page.$$eval("a[href]", (all) =>
          all.map((a) => (a as HTMLAnchorElement).href),
        );
        for (const href of hrefs) links.push({ from: name, href });
        await page.close();
      }
      const broken: string[] = [];
      for (const { from, href } of links) {
        if (!href.startsWith("file:")) continue;
        const [file, fragment] = href.split("#");
        const target = fileURLToPath(file);
        if (!existsSync(target)) broken.push(`${from}: ${href} (no such file)`);
        else if (fragment && !ids.get(target)?.has(decodeURIComponent(fragment))) {
          broken.push(`${from}: ${href} (no element with that id)`);
        }
      }
      expect(links.length).toBeGreaterThan(pages().length);
      expect(broken).toEqual([]);
    }, 120_000);

    test("the print view hides navigation and wraps code; screenshots in light, dark and print", async () => {
      const lesson = pages()[1];
      for (const name of ["index.html", lesson]) {
        const { page } = await visit(pathToFileURL(path.join(site, name)).href);
        await page.emulateMedia({ colorScheme: "dark" });
        await screenshot(page, `${path.basename(name, ".html")}-dark`);
        await page.emulateMedia({ media: "print", colorScheme: "light" });
        const hidden = await page.$$eval(".site, .foot, .toc, .copy", (elements) =>
          elements.map((e) => getComputedStyle(e).display),
        );
        expect(hidden.length, name).toBeGreaterThan(0);
        expect(new Set(hidden), name).toEqual(new Set(["none"]));
        if (name === lesson) {
          expect(await page.$eval("pre.code", (pre) => getComputedStyle(pre).whiteSpace)).toBe(
            "pre-wrap",
          );
          // Print is light even when the reader's screen is dark.
          await page.emulateMedia({ media: "print", colorScheme: "dark" });
          expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
            "rgb(255, 255, 255)",
          );
        }
        await screenshot(page, `${path.basename(name, ".html")}-print`);
        await page.close();
      }
    }, 120_000);

    test("the dark palette follows the reader's setting on screen", async () => {
      const { page } = await visit(pathToFileURL(path.join(site, "index.html")).href);
      await page.emulateMedia({ colorScheme: "light" });
      const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.emulateMedia({ colorScheme: "dark" });
      const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect([light, dark]).toEqual(["rgb(255, 255, 255)", "rgb(13, 17, 23)"]);
      await page.close();
    });

    test("a page reads the same without JavaScript; with it, code blocks get copy buttons", async () => {
      const url = pathToFileURL(path.join(site, pages()[1])).href;
      const { page } = await visit(url);
      const codeBlocks = await page.locator("pre.code").count();
      expect(await page.locator("pre.code > button.copy").count()).toBe(codeBlocks);
      await page.close();
      const noScript = await newContext({ javaScriptEnabled: false });
      const plain = await noScript.newPage();
      await plain.goto(url);
      expect(await plain.locator("pre.code").count()).toBe(codeBlocks);
      expect(await plain.locator("button.copy").count()).toBe(0);
      await noScript.close();
    });

    test("the hostile notebook's page opens no dialog, loads nothing and logs no error", async () => {
      for (const name of ["hostile.html", "02_outputs.html"]) {
        const { page, visit: seen } = await visit(pathToFileURL(path.join(hostileSite, name)).href);
        // Give anything that tried to run a moment to do so: hovering and clicking included.
        await page.mouse.move(10, 10);
        await page.mouse.move(600, 400);
        await page.waitForTimeout(300);
        expect(seen.dialogs, name).toEqual([]);
        expect(seen.consoleErrors, name).toEqual([]);
        expect(await page.evaluate(() => document.querySelectorAll("script").length), name).toBe(1);
        await screenshot(page, `${path.basename(name, ".html")}-light`);
        await page.emulateMedia({ colorScheme: "dark" });
        await screenshot(page, `${path.basename(name, ".html")}-dark`);
        await page.close();
      }
      expect(outside).toEqual([]);
    }, 60_000);
  },
);
