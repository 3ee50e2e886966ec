/**
 * A cache of the slow parts of a build, keyed by their input: highlighted code and sanitized
 * HTML/SVG. Loading shiki and jsdom is most of a cold build's time; a rebuild after editing one
 * lesson finds every other cell here and loads neither (they are loaded only on a miss).
 *
 * The cache lives in node_modules/.cache/handouts/ and is keyed by a version: the versions of
 * shiki, DOMPurify and jsdom and the source of the modules whose output it holds, so a change to
 * any of them starts afresh. An entry is only ever the output of those functions for that input,
 * so a cache hit gives the same page as a fresh run.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomicSync } from "../fs/atomic-write";

import { escapeText } from "./escape";
import { createHighlighter, type Highlighter, resolveLanguage } from "./highlight";
import type { Sanitizer } from "./sanitize";

/**
 * Rendered fragments (highlighted code, sanitized HTML) by kind and input, so a rebuild loads
 * neither shiki nor jsdom.
 */
export interface RenderCache {
  get(kind: string, input: string): string | null | undefined;
  set(kind: string, input: string, output: string | null): void;
  /** Writes the cache to disk (a no-op for a memory cache); never throws. */
  save(): void;
}

/** More entries than this (a course is a few hundred) and the least recently used ones go. */
const maxEntries = 20_000;

const here = import.meta.dirname;
const root = path.resolve(here, "..", "..");

/** The default location: node_modules/.cache/handouts/render.json. */
export const defaultCacheFile = path.join(
  root,
  "node_modules",
  ".cache",
  "handouts",
  "render.json",
);

/**
 * Everything the cached outputs depend on. Reading a few files costs well under a millisecond.
 */
function cacheVersion(): string {
  const hash = createHash("sha256");
  for (const dependency of ["shiki", "dompurify", "jsdom", "minisearch", "esbuild"]) {
    hash.update(readOrEmpty(path.join(root, "node_modules", dependency, "package.json")));
  }
  for (const module of [
    "highlight.ts",
    "sanitize.ts",
    "escape.ts",
    "cache.ts",
    "search.ts",
    "page.ts",
  ]) {
    hash.update(readOrEmpty(path.join(here, module)));
  }
  return hash.update(process.version).digest("base64url").slice(0, 22);
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function keyOf(kind: string, input: string): string {
  return createHash("sha256")
    .update(kind)
    .update("\0")
    .update(input)
    .digest("base64url")
    .slice(0, 27);
}

/** Inputs larger than this are not worth keeping on disk: they are rare and change often. */
const maxCachedInput = 1_000_000;

/**
 * No cache: every fragment is rendered afresh (`--no-cache`, measurements).
 */
export const noCache: RenderCache = { get: () => undefined, set() {}, save() {} };

/**
 * A cache kept in memory only: tests and one-off renders.
 */
export function memoryCache(): RenderCache {
  const entries = new Map<string, string | null>();
  return {
    get: (kind, input) => entries.get(keyOf(kind, input)),
    set(kind, input, output) {
      if (input.length <= maxCachedInput) entries.set(keyOf(kind, input), output);
    },
    save() {},
  };
}

/**
 * A cache read from `file` now and written back by `save()`. A missing, damaged or outdated file
 * gives an empty cache; a file that cannot be written is skipped (the build is only slower).
 */
export function fileCache(
  file: string = defaultCacheFile,
  options: { maxEntries?: number } = {},
): RenderCache {
  const limit = options.maxEntries ?? maxEntries;
  const version = cacheVersion();
  // A Map keeps insertion order: entries are re-inserted when used, so the oldest are least used.
  const entries = new Map<string, string | null>();
  try {
    const stored = JSON.parse(readFileSync(file, "utf8")) as {
      version?: unknown;
      entries?: unknown;
    };
    if (
      stored.version === version &&
      typeof stored.entries === "object" &&
      stored.entries !== null
    ) {
      for (const [key, value] of Object.entries(stored.entries)) {
        if (typeof value === "string" || value === null) entries.set(key, value);
      }
    }
  } catch {
    // No cache yet, or not one we can read: start empty.
  }
  let changed = false;
  return {
    get(kind, input) {
      const key = keyOf(kind, input);
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
        changed = true;
      }
      return value;
    },
    set(kind, input, output) {
      if (input.length > maxCachedInput) return;
      entries.set(keyOf(kind, input), output);
      changed = true;
    },
    save() {
      if (!changed) return;
      while (entries.size > limit) entries.delete(entries.keys().next().value as string);
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        // A build running at the same time never reads half a file.
        writeFileAtomicSync(
          file,
          JSON.stringify({ version, entries: Object.fromEntries(entries) }),
        );
        changed = false;
      } catch {
        // A read-only checkout still builds, just without the speed-up next time.
      }
    },
  };
}

/** A highlighter that may not have loaded shiki yet: see {@link cachedHighlighter}. */
export interface LazyHighlighter extends Highlighter {
  /** How many highlight() calls could not be answered (not cached, shiki not loaded). */
  readonly misses: number;
  /** Loads shiki: from now on every call is answered. */
  load(): Promise<void>;
}

/**
 * Highlighting through the cache. Until load() is called a miss returns the code unhighlighted
 * and is counted, so a build can render once, load shiki only if something missed, and render
 * again.
 */
export function cachedHighlighter(cache: RenderCache): LazyHighlighter {
  let shiki: Highlighter | undefined;
  let misses = 0;
  return {
    get misses() {
      return misses;
    },
    async load() {
      shiki ??= await createHighlighter();
    },
    resolve: resolveLanguage,
    highlight(code, language) {
      const lang = resolveLanguage(language);
      if (lang === undefined) return escapeText(code);
      const input = `${lang}\n${code}`;
      const hit = cache.get("highlight", input);
      if (typeof hit === "string") return hit;
      if (!shiki) {
        misses++;
        return escapeText(code);
      }
      const html = shiki.highlight(code, lang);
      cache.set("highlight", input, html);
      return html;
    },
  };
}

/**
 * Sanitizing through the cache: the sanitizer (and jsdom with it) is only used on a miss.
 */
export function cachedSanitizer(cache: RenderCache, sanitizer: Sanitizer): Sanitizer {
  return {
    html(fragment) {
      const hit = cache.get("html", fragment);
      if (typeof hit === "string") return hit;
      const clean = sanitizer.html(fragment);
      cache.set("html", fragment, clean);
      return clean;
    },
    svg(markup) {
      const hit = cache.get("svg", markup);
      if (hit !== undefined) return hit ?? undefined;
      const clean = sanitizer.svg(markup);
      cache.set("svg", markup, clean ?? null);
      return clean;
    },
  };
}
