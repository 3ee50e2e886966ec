import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, test } from "vitest";

import {
  cachedHighlighter,
  cachedSanitizer,
  fileCache,
  memoryCache,
} from "../../scripts/handouts/cache";
import { buildHandouts, createRenderer } from "../../scripts/handouts/export";
import type { Sanitizer } from "../../scripts/handouts/sanitize";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "handouts-cache-"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("fileCache", () => {
  test("keeps entries from one build to the next", () => {
    const file = path.join(folder, "render.json");
    const first = fileCache(file);
    first.set("highlight", "typescript\nconst a = 1;", "<span>...</span>");
    first.set("svg", "<p>not svg</p>", null);
    first.save();
    const second = fileCache(file);
    expect(second.get("highlight", "typescript\nconst a = 1;")).toBe("<span>...</span>");
    expect(second.get("svg", "<p>not svg</p>")).toBeNull();
    expect(second.get("highlight", "typescript\nconst b = 2;")).toBeUndefined();
  });

  test("starts empty from a damaged file or one written for other versions of the code", async () => {
    const file = path.join(folder, "render.json");
    await writeFile(file, "{ not json");
    expect(fileCache(file).get("html", "<b>")).toBeUndefined();
    const key = Object.keys(await savedEntries(file, "<b>"))[0];
    await writeFile(
      file,
      JSON.stringify({ version: "an older version", entries: { [key]: "<i>stale</i>" } }),
    );
    expect(fileCache(file).get("html", "<b>")).toBeUndefined();
  });

  test("drops the least recently used entries beyond its size", () => {
    const file = path.join(folder, "render.json");
    const cache = fileCache(file, { maxEntries: 2 });
    cache.set("html", "a", "A");
    cache.set("html", "b", "B");
    cache.get("html", "a"); // a is now more recent than b
    cache.set("html", "c", "C");
    cache.save();
    const reread = fileCache(file);
    expect([reread.get("html", "a"), reread.get("html", "b"), reread.get("html", "c")]).toEqual([
      "A",
      undefined,
      "C",
    ]);
  });

  test("does not keep very large inputs", () => {
    const cache = fileCache(path.join(folder, "render.json"));
    cache.set("html", "x".repeat(2_000_000), "big");
    expect(cache.get("html", "x".repeat(2_000_000))).toBeUndefined();
  });

  test("a cache that cannot be written is skipped without an error", () => {
    const cache = fileCache(path.join(folder, "missing-parent", "\0bad", "render.json"));
    cache.set("html", "a", "A");
    expect(() => cache.save()).not.toThrow();
  });
});

async function savedEntries(file: string, input: string): Promise<Record<string, unknown>> {
  const cache = fileCache(file);
  cache.set("html", input, "<b></b>");
  cache.save();
  return JSON.parse(await readFile(file, "utf8")).entries;
}

describe("cachedHighlighter", () => {
  test("before shiki is loaded, counts what it could not answer and returns the code escaped", () => {
    const highlighter = cachedHighlighter(memoryCache());
    expect(highlighter.highlight("a < b", "ts")).toBe("a &lt; b");
    expect(highlighter.misses).toBe(1);
    expect(highlighter.highlight("plain", "cobol")).toBe("plain");
    expect(highlighter.misses).toBe(1);
  });

  test("answers from the cache without loading shiki", async () => {
    const cache = memoryCache();
    const loaded = cachedHighlighter(cache);
    await loaded.load();
    const html = loaded.highlight("const a = 1;", "ts");
    const fresh = cachedHighlighter(cache);
    expect(fresh.highlight("const a = 1;", "typescript")).toBe(html);
    expect(fresh.misses).toBe(0);
  });
});

describe("cachedSanitizer", () => {
  test("sanitizes each distinct input once", () => {
    const calls: string[] = [];
    const counting: Sanitizer = {
      html: (fragment) => {
        calls.push(fragment);
        return fragment.toUpperCase();
      },
      svg: (markup) => {
        calls.push(markup);
        return undefined;
      },
    };
    const sanitizer = cachedSanitizer(memoryCache(), counting);
    expect([sanitizer.html("<b>"), sanitizer.html("<b>")]).toEqual(["<B>", "<B>"]);
    expect([sanitizer.svg("x"), sanitizer.svg("x")]).toEqual([undefined, undefined]);
    expect(calls).toEqual(["<b>", "x"]);
  });
});

describe("a build through the cache", () => {
  test("gives the same pages as a build without it, and a rebuild needs no highlighter", async () => {
    const files = ["01_basics", "02_outputs"].map((name) =>
      path.resolve(import.meta.dirname, "../fixtures/handouts/course", `${name}.ipynb`),
    );
    const uncached = await buildHandouts({ files, edition: "student" }, await createRenderer());
    const cache = memoryCache();
    const first = await createRenderer({ cache, lazy: true });
    const cold = await buildHandouts({ files, edition: "student" }, first);
    const second = await createRenderer({ cache, lazy: true });
    const warm = await buildHandouts({ files, edition: "student" }, second);
    expect(second.highlighter.misses).toBe(0);
    for (const name of uncached.files.keys()) {
      expect(cold.files.get(name), name).toEqual(uncached.files.get(name));
      expect(warm.files.get(name), name).toEqual(uncached.files.get(name));
    }
  });
});
