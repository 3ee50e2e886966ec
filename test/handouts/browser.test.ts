/**
 * The handouts in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
 * browser). The real course is built (or, while notebooks/ is empty, the fixture course), every
 * page is opened from file://, and the test checks: no console error, no request leaving the page,
 * links that resolve, a print view without navigation; at 1280 and 390 px no element wider than
 * its container, every output's and code line's full text visible and the lesson's title on the
 * first screen; every text colour at 4.5:1 or more against its background in both themes; diagram
 * alt texts from their titles and labels of 11 px or more at 1280 px; the skip link first, no
 * aria-hidden element focusable, copy buttons visible and clear of the code, a jumped-to heading
 * marked in the contents and not flush against the top, no launch link unless configured; the
 * theme button's choice kept; search finding a word of a lesson's body and linking to it; two
 * lessons printed to PDF with no page under a third full but a lesson's last (Poppler's pdftoppm
 * measures the pages). The hostile fixture must open no dialog.
 *
 * Screenshots (light, dark, 390 px, 1280 px, print, and the PDFs) are saved to
 * test-results/handouts/ (gitignored) for a reviewer to look at.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { courseNotebooks } from "../../scripts/cli/project";
import { buildHandouts, createRenderer } from "../../scripts/handouts/export";
import { writeDirectory } from "../../scripts/handouts/write";

const chromiumPath = "/usr/bin/chromium";
const root = path.resolve(import.meta.dirname, "../..");
const results = path.join(root, "test-results", "handouts");
const fixtures = path.join(root, "test/fixtures/handouts");
const hasChromium = existsSync(chromiumPath);
const pdftoppmPath = "/usr/bin/pdftoppm";

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

async function screenshot(page: Page, name: string, fullPage = true) {
  await page.screenshot({ path: path.join(results, `${name}.png`), fullPage });
}

/**
 * Elements that stick out of the page's content: wider than the nearest box that scrolls or clips
 * them (or than <main> itself), and boxes whose text is cut off (a <pre> scrolling sideways).
 */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const describe = (e: Element) =>
      `${e.localName}${e.id ? `#${e.id}` : ""}${e.className && typeof e.className === "string" ? `.${e.className.trim().split(/\s+/).join(".")}` : ""}`;
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      found.push(
        `the page scrolls sideways: ${document.documentElement.scrollWidth} px in ${window.innerWidth}`,
      );
    }
    const main = document.querySelector("main");
    if (!main) return found;
    for (const element of main.querySelectorAll("*")) {
      // Inside a <pre>, spaces at a wrap point hang past the line's end (CSS Text: pre-wrap) and
      // widen the inline box, not the text: a <pre> is measured below by what it hides instead.
      if (element.parentElement?.closest("pre")) continue;
      let box = element.parentElement;
      while (box && box !== main && getComputedStyle(box).overflowX === "visible")
        box = box.parentElement;
      if (!box) continue;
      const right = element.getBoundingClientRect().right;
      if (box === main && right > main.getBoundingClientRect().right + 1) {
        found.push(
          `${describe(element)} is ${Math.round(right - main.getBoundingClientRect().right)} px wider than the content`,
        );
      }
    }
    for (const pre of main.querySelectorAll("pre")) {
      if (pre.scrollWidth > pre.clientWidth + 1) {
        found.push(
          `${describe(pre)} hides ${pre.scrollWidth - pre.clientWidth} px of its text: ${pre.textContent?.slice(0, 60)}`,
        );
      }
    }
    return found;
  });
}

/**
 * Every piece of text whose colour is below 4.5:1 (WCAG AA) on the background behind it: the
 * first opaque background of the element or an ancestor (the page's, at the top).
 */
async function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (value: string) => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/.exec(value);
      return m
        ? {
            c: [Number(m[1]), Number(m[2]), Number(m[3])],
            a: m[4] === undefined ? 1 : Number(m[4]),
          }
        : undefined;
    };
    const luminance = (c: number[]) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (element: Element | null): number[] => {
      for (let e = element; e; e = e.parentElement) {
        const colour = rgb(getComputedStyle(e).backgroundColor);
        if (colour && colour.a > 0.5) return colour.c;
      }
      return [255, 255, 255];
    };
    const found = new Map<string, string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || !node.textContent?.trim()) continue;
      const style = getComputedStyle(element);
      const rect = element.getBoundingClientRect();
      if (
        style.visibility === "hidden" ||
        style.display === "none" ||
        rect.width === 0 ||
        Number(style.opacity) === 0
      )
        continue;
      if (element.closest(".skip")) continue; // shown only when focused, on the page's background
      const fg = rgb(style.color);
      if (!fg) continue;
      const bg = background(element);
      const [hi, lo] = [luminance(fg.c), luminance(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < 4.5) {
        found.set(
          `${style.color} on rgb(${bg.join(", ")})`,
          `${ratio.toFixed(2)}:1, e.g. "${node.textContent.trim().slice(0, 40)}" in <${element.localName} class="${element.className}">`,
        );
      }
    }
    return [...found].map(([colours, what]) => `${colours}: ${what}`);
  });
}

/** How full each page of a PDF is: the lowest ink on it, as a share of the printable height. */
function pageFullness(pdf: string): number[] {
  const prefix = pdf.replace(/\.pdf$/, "");
  execFileSync(pdftoppmPath, ["-r", "24", "-gray", pdf, prefix]);
  const folder = path.dirname(pdf);
  const base = path.basename(prefix);
  return readdirSync(folder)
    .filter((name) => name.startsWith(`${base}-`) && name.endsWith(".pgm"))
    .sort((a, b) => Number(/-(\d+)\.pgm$/.exec(a)?.[1]) - Number(/-(\d+)\.pgm$/.exec(b)?.[1]))
    .map((name) => {
      const bytes = readFileSync(path.join(folder, name));
      rmSync(path.join(folder, name));
      // P5 (binary graymap): "P5\n<width> <height>\n<max>\n" then one byte a pixel.
      const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 40).toString("latin1"));
      if (!header) throw new Error(`${name} is not a PGM file`);
      const [width, height] = [Number(header[1]), Number(header[2])];
      const pixels = bytes.subarray(header[0].length);
      let last = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (pixels[y * width + x] < 200) {
            last = y;
            break;
          }
        }
      }
      // A4 is 297 mm high and the print stylesheet's margins are 16 mm.
      const margin = (16 / 297) * height;
      return Math.max(0, (last - margin) / (height - 2 * margin));
    });
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

    test.each([1280, 390])(
      "at %i px wide no element is wider than its container and every output and code line shows its full text",
      async (width) => {
        const problems: string[] = [];
        for (const name of pages()) {
          // The width from the start, as on a phone: the page's script reads it once it loads.
          const { page } = await visit(pathToFileURL(path.join(site, name)).href, (opened) =>
            opened.setViewportSize({ width, height: 900 }),
          );
          for (const problem of await overflowing(page)) problems.push(`${name}: ${problem}`);
          // A wrapped code line's further parts never start left of where its own text starts (they
          // hang 4 characters further in; where the text after the indentation is one word too long
          // for the rest of the first visual line, the browser breaks after the indentation, and
          // that word starts on the next one, at the hanging indent: allowed).
          const shallow = await page.$$eval("pre.code code", (blocks) => {
            const found: string[] = [];
            for (const code of blocks) {
              const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
              // Character by character: where the line's own text starts, then any character of a
              // later visual line of the same source line that is not to the right of it.
              const range = document.createRange();
              let lineStart: number | undefined;
              let firstTop: number | undefined;
              let reported = false;
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = node.textContent ?? "";
                for (let i = 0; i < text.length; i++) {
                  if (text[i] === "\n") {
                    lineStart = undefined;
                    firstTop = undefined;
                    reported = false;
                    continue;
                  }
                  range.setStart(node, i);
                  range.setEnd(node, i + 1);
                  const rect = range.getBoundingClientRect();
                  if (rect.width === 0) continue;
                  if (firstTop === undefined) firstTop = rect.top;
                  if (lineStart === undefined && text[i] !== " ") lineStart = rect.left;
                  else if (
                    !reported &&
                    lineStart !== undefined &&
                    rect.top > firstTop + rect.height / 2 &&
                    rect.left < lineStart - 1
                  ) {
                    found.push(`"${text.slice(Math.max(0, i - 30), i + 10)}"`);
                    reported = true;
                  }
                }
              }
            }
            return found;
          });
          for (const line of shallow)
            problems.push(`${name}: a wrapped part left of its line: ${line}`);
          // The contents (folded on a phone) must not push the lesson's title off the first screen.
          const titleBottom = await page.evaluate(
            () => document.querySelector("main h1")?.getBoundingClientRect().bottom ?? 0,
          );
          if (titleBottom > 900) problems.push(`${name}: the title ends ${titleBottom} px down`);
          await screenshot(page, `${path.basename(name, ".html")}-${width}`, false);
          await page.close();
        }
        expect(problems).toEqual([]);
      },
      180_000,
    );

    test("every text colour is at least 4.5:1 against its background, in the light and the dark theme", async () => {
      const problems: string[] = [];
      for (const scheme of ["light", "dark"] as const) {
        // The search page with results shown: its excerpts are muted text too.
        for (const name of [...pages(), "search.html?q=socket"]) {
          const [file, query] = name.split("?");
          const url = `${pathToFileURL(path.join(site, file)).href}${query ? `?${query}` : ""}`;
          const { page } = await visit(url);
          if (query) await page.locator("#results a").first().waitFor();
          await page.emulateMedia({ colorScheme: scheme });
          for (const problem of await lowContrast(page))
            problems.push(`${scheme}, ${name}: ${problem}`);
          await page.close();
        }
      }
      expect([...new Set(problems)]).toEqual([]);
    }, 180_000);

    test("a diagram's alt text is its SVG's title, and its button opens it alone, full size", async () => {
      let diagrams = 0;
      for (const name of pages()) {
        const { page } = await visit(pathToFileURL(path.join(site, name)).href);
        const found = await page.$$eval(".output.svg img", (images) =>
          images.map((img) => {
            const src = (img as HTMLImageElement).getAttribute("src") ?? "";
            const svg = new DOMParser().parseFromString(
              decodeURIComponent(src.slice(src.indexOf(",") + 1)),
              "image/svg+xml",
            );
            return {
              alt: (img as HTMLImageElement).alt,
              title: svg.querySelector("svg > title")?.textContent ?? "",
            };
          }),
        );
        for (const { alt, title } of found) {
          expect(title, name).not.toBe("");
          expect(alt, name).toBe(title.replace(/\s+/g, " ").trim());
        }
        diagrams += found.length;
        if (found.length > 0) {
          // At 1280 px each diagram is drawn at a scale that keeps its smallest label 11 px or more.
          await page.setViewportSize({ width: 1280, height: 900 });
          const labels = await page.$$eval(".output.svg img", (images) =>
            images.map((img) => {
              const image = img as HTMLImageElement;
              const src = image.getAttribute("src") ?? "";
              const svg = decodeURIComponent(src.slice(src.indexOf(",") + 1));
              const sizes = [...svg.matchAll(/font-size\s*[=:]\s*["']?\s*([\d.]+)/g)].map((m) =>
                Number(m[1]),
              );
              const scale = image.getBoundingClientRect().width / image.naturalWidth;
              return scale * Math.min(16, ...sizes);
            }),
          );
          for (const px of labels) expect(px, name).toBeGreaterThanOrEqual(11);
          // Its button opens the picture alone, at full size, in a page of its own.
          const [alone] = await Promise.all([
            page.waitForEvent("popup"),
            page.locator("button.full").first().click(),
          ]);
          await alone.waitForLoadState();
          expect(alone.url()).toMatch(/^blob:/);
          expect(await alone.evaluate(() => document.documentElement.localName)).toBe("svg");
          await alone.close();
          await page.locator(".output.svg").first().scrollIntoViewIfNeeded();
          await screenshot(page, `${path.basename(name, ".html")}-diagram-light`, false);
          await page.emulateMedia({ colorScheme: "dark" });
          await screenshot(page, `${path.basename(name, ".html")}-diagram-dark`, false);
        }
        await page.close();
      }
      if (course.files === courseFiles) expect(diagrams).toBeGreaterThan(0);
    }, 120_000);

    test("keyboard and jumps: the skip link comes first, hidden anchors take no focus, copy buttons show and cover no code, a jumped-to heading is marked and not flush", async () => {
      const lesson = pages()[pages().length > 3 ? 3 : 1];
      const { page } = await visit(pathToFileURL(path.join(site, lesson)).href);
      await page.keyboard.press("Tab");
      const first = await page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        return { className: e.className, top: e.getBoundingClientRect().top };
      });
      expect(first.className).toBe("skip");
      expect(first.top).toBeGreaterThanOrEqual(0);
      await screenshot(page, "skip-link-focused", false);
      // No element hidden from assistive technology can be reached with Tab.
      const focusableHidden = await page.$$eval(
        '[aria-hidden="true"] , [aria-hidden="true"] *',
        (all) =>
          all.filter((e) => (e as HTMLElement).tabIndex >= 0).map((e) => e.outerHTML.slice(0, 80)),
      );
      expect(focusableHidden).toEqual([]);
      // Copy buttons: always visible (not only on hover), reachable, and above the first line.
      const copies = await page.$$eval("pre.code", (blocks) =>
        blocks.map((pre) => {
          const button = pre.querySelector("button.copy") as HTMLElement;
          const style = getComputedStyle(button);
          const range = document.createRange();
          range.selectNodeContents(pre.querySelector("code") as Element);
          const firstLine = range.getClientRects()[0];
          return {
            visible: style.visibility === "visible" && Number(style.opacity) === 1,
            tabIndex: button.tabIndex,
            overlap: button.getBoundingClientRect().bottom - (firstLine?.top ?? Infinity),
          };
        }),
      );
      expect(copies.length).toBeGreaterThan(0);
      for (const copy of copies) {
        expect(copy.visible).toBe(true);
        expect(copy.tabIndex).toBe(0);
        expect(copy.overlap).toBeLessThanOrEqual(0);
      }
      // Jumping to a section from the contents: its heading sits a little below the top, marked.
      const link = page.locator(".toc a").nth(3);
      const id = decodeURIComponent((await link.getAttribute("href"))?.slice(1) ?? "");
      await link.click();
      await page.waitForFunction(
        (target) =>
          document.querySelector(`.toc a[aria-current]`)?.getAttribute("href") === `#${target}`,
        id,
      );
      const top = await page.evaluate(
        (target) => document.getElementById(target)?.getBoundingClientRect().top ?? -1,
        id,
      );
      expect(top).toBeGreaterThanOrEqual(8);
      await screenshot(page, "jumped-to-section", false);
      // With no repository or hub configured, no launch link.
      expect(await page.getByText(/Open in (Binder|your JupyterHub)/).count()).toBe(0);
      await page.close();
    });

    test("the theme button switches light and dark and the page remembers the choice", async () => {
      const url = pathToFileURL(path.join(site, pages()[1])).href;
      const { page } = await visit(url);
      await page.emulateMedia({ colorScheme: "light" });
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(await background()).toBe("rgb(255, 255, 255)");
      await page.getByRole("button", { name: "Switch to the dark theme" }).click();
      expect(await background()).toBe("rgb(13, 17, 23)");
      await page.goto(pathToFileURL(path.join(site, "index.html")).href);
      expect(await background()).toBe("rgb(13, 17, 23)");
      await screenshot(page, "index-dark-chosen", false);
      await page.getByRole("button", { name: "Switch to the light theme" }).click();
      await page.reload();
      expect(await background()).toBe("rgb(255, 255, 255)");
      await page.close();
    });

    test("search finds a word from a lesson's body and links to the section that holds it", async () => {
      const lesson = pages()[pages().length > 2 ? 2 : 1];
      const { page: source } = await visit(pathToFileURL(path.join(site, lesson)).href);
      // The longest word of a paragraph in the lesson's second section: body text, not a title.
      const word = await source.evaluate(() => {
        const paragraphs = [...document.querySelectorAll("main .markdown p")];
        const text = (paragraphs[Math.min(3, paragraphs.length - 1)]?.textContent ?? "").split(
          /[^A-Za-z]+/,
        );
        return text.sort((a, b) => b.length - a.length)[0];
      });
      await source.close();
      expect(word.length).toBeGreaterThan(5);
      const { page, visit: seen } = await visit(
        `${pathToFileURL(path.join(site, "search.html")).href}?q=${encodeURIComponent(word)}`,
      );
      const links = page.locator("#results a");
      await links.first().waitFor();
      const hrefs = await links.evaluateAll((all) => all.map((a) => a.getAttribute("href") ?? ""));
      expect(
        hrefs.some((href) => href.startsWith(`${lesson}#`) || href === lesson),
        hrefs.join(" "),
      ).toBe(true);
      await screenshot(page, "search-light", false);
      await links
        .filter({ has: page.locator(`xpath=self::*[starts-with(@href, "${lesson}")]`) })
        .first()
        .click();
      await page.waitForURL((url) => url.pathname.endsWith(lesson));
      const target = decodeURIComponent(new URL(page.url()).hash.slice(1));
      const sectionText = await page.evaluate((id) => {
        const heading = id ? document.getElementById(id) : document.querySelector("main h1");
        let text = "";
        for (
          let e = heading?.nextElementSibling ?? heading?.parentElement?.nextElementSibling;
          e;
          e = e.nextElementSibling
        )
          text += e.textContent;
        // Sections run on across cells: the text from the heading to the end of the page holds the word.
        for (
          let cell = heading?.closest(".cell")?.nextElementSibling;
          cell;
          cell = cell.nextElementSibling
        )
          text += cell.textContent;
        return text;
      }, target);
      expect(sectionText.toLowerCase()).toContain(word.toLowerCase());
      expect(seen.consoleErrors).toEqual([]);
      await page.close();
    }, 60_000);

    test.skipIf(!existsSync(pdftoppmPath))(
      "two lessons printed to A4 have no page under a third full, but each lesson's last",
      async () => {
        // The two longest lessons: most pages, most chances of a page left mostly empty.
        const lessons = pages()
          .slice(1)
          .map((name) => ({ name, size: readFileSync(path.join(site, name)).length }))
          .sort((a, b) => b.size - a.size)
          .slice(0, 2)
          .map(({ name }) => name);
        const report: string[] = [];
        for (const name of lessons) {
          const { page } = await visit(pathToFileURL(path.join(site, name)).href);
          const pdf = path.join(results, `${path.basename(name, ".html")}.pdf`);
          await page.pdf({ path: pdf, format: "A4", preferCSSPageSize: true });
          await page.close();
          const fullness = pageFullness(pdf);
          const empty = fullness
            .slice(0, -1)
            .map((share, i) => ({ page: i + 1, share }))
            .filter(({ share }) => share < 1 / 3);
          for (const { page: number, share } of empty) {
            report.push(
              `${name}: page ${number} of ${fullness.length} is ${Math.round(share * 100)} % full`,
            );
          }
          expect(fullness.length, name).toBeGreaterThan(1);
          // The last page may be short, not empty (padding spilling over made a blank one).
          if ((fullness.at(-1) ?? 0) === 0) report.push(`${name}: its last page is blank`);
        }
        expect(report).toEqual([]);
      },
      180_000,
    );

    test("the hostile notebook's page opens no dialog, loads nothing and logs no error", async () => {
      for (const name of ["hostile.html", "02_outputs.html"]) {
        const { page, visit: seen } = await visit(pathToFileURL(path.join(hostileSite, name)).href);
        // Give anything that tried to run a moment to do so: hovering and clicking included.
        await page.mouse.move(10, 10);
        await page.mouse.move(600, 400);
        await page.waitForTimeout(300);
        expect(seen.dialogs, name).toEqual([]);
        expect(seen.consoleErrors, name).toEqual([]);
        expect(await page.evaluate(() => document.querySelectorAll("script").length), name).toBe(2);
        await screenshot(page, `${path.basename(name, ".html")}-light`);
        await page.emulateMedia({ colorScheme: "dark" });
        await screenshot(page, `${path.basename(name, ".html")}-dark`);
        await page.close();
      }
      expect(outside).toEqual([]);
    }, 60_000);
  },
);
