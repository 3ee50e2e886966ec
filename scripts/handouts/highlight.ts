/**
 * Syntax highlighting at build time with shiki, so no highlighting JavaScript reaches the reader.
 *
 * Shiki's "css-variables" theme colours every token with a CSS variable (`--hl-token-keyword`, ...)
 * instead of a fixed colour: the code is tokenized once, and the page's stylesheet gives the
 * variables a light and a dark palette that follow the reader's `prefers-color-scheme`. Tokens
 * come out as short classes (`<span class="k">`), which keeps the pages small.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

import { createCssVariablesTheme, createHighlighterCore, type HighlighterCore } from "shiki/core";
import {
  createJavaScriptRegexEngine,
  defaultJavaScriptRegexConstructor,
} from "shiki/engine/javascript";

import { escapeHtml } from "./escape";

/** The languages a lesson uses; anything else is shown as plain, escaped text. */
const languageAliases: Record<string, string> = {
  ts: "typescript",
  typescript: "typescript",
  js: "javascript",
  javascript: "javascript",
  node: "javascript",
  bash: "bash",
  sh: "bash",
  shell: "bash",
  console: "bash",
  python: "python",
  py: "python",
  python3: "python",
  json: "json",
};

/** Token colour variable -> class name used in the HTML and in page.ts's stylesheet. */
export const tokenClasses: Record<string, string> = {
  "token-keyword": "k",
  "token-string": "s",
  "token-string-expression": "e",
  "token-comment": "c",
  "token-constant": "n",
  "token-function": "f",
  "token-parameter": "p",
  "token-punctuation": "u",
  "token-link": "l",
};

/** Past these sizes tokenizing costs more than colour is worth: the code is shown plain. */
const maxLineLength = 1000;
const maxCodeLength = 200_000;
/**
 * Shiki stops tokenizing a line after a time limit (500 ms by default) and leaves the rest of the
 * line uncoloured. A cold start on a busy machine can take that long on an ordinary line, which
 * made the HTML differ from run to run; lines are short (maxLineLength), so a generous limit
 * keeps output deterministic and still bounds a pathological line.
 */
const lineTimeLimitMs = 10_000;

export interface Highlighter {
  /**
   * Highlights `code` as `language` (a fence's info string or a kernel's language name).
   * Returns the inner HTML of a `<code>` element: escaped text with token spans.
   */
  highlight(code: string, language: string): string;
  /** The canonical language name used for `language`, or undefined when it is shown plain. */
  resolve(language: string): string | undefined;
}

const themeName = "handouts";

/**
 * Loads shiki with only the course's languages (TypeScript, JavaScript, bash, Python, JSON).
 *
 * @example
 * const highlighter = await createHighlighter();
 * `<pre><code>${highlighter.highlight('const port = 0;', "ts")}</code></pre>`;
 */
export async function createHighlighter(): Promise<Highlighter> {
  const cache = openRegexCache();
  const core: HighlighterCore = await createHighlighterCore({
    engine: createJavaScriptRegexEngine({ regexConstructor: cache.construct }),
    langs: [
      import("@shikijs/langs/typescript"),
      import("@shikijs/langs/javascript"),
      import("@shikijs/langs/bash"),
      import("@shikijs/langs/python"),
      import("@shikijs/langs/json"),
    ],
    themes: [
      createCssVariablesTheme({ name: themeName, variablePrefix: "--hl-", fontStyle: true }),
    ],
  });
  // Save what this process converted once it has done its work, not on every pattern.
  process.once("beforeExit", cache.save);

  function resolve(language: string): string | undefined {
    return languageAliases[language.trim().toLowerCase()];
  }

  return {
    resolve,
    highlight(code, language) {
      const lang = resolve(language);
      if (lang === undefined || code.length > maxCodeLength) return escapeHtml(code);
      const lines = core.codeToTokensBase(code, {
        lang,
        theme: themeName,
        tokenizeMaxLineLength: maxLineLength,
        tokenizeTimeLimit: lineTimeLimitMs,
      });
      let html = "";
      for (let i = 0; i < lines.length; i++) {
        if (i > 0) html += "\n";
        for (const token of lines[i])
          html += renderToken(token.content, token.color, token.fontStyle);
      }
      return html;
    },
  };
}

function renderToken(content: string, color: string | undefined, fontStyle: number | undefined) {
  const variable = color?.startsWith("var(--hl-") ? color.slice(9, -1) : undefined;
  const classes = [];
  const tokenClass = variable === undefined ? undefined : tokenClasses[variable];
  if (tokenClass) classes.push(tokenClass);
  // shiki's FontStyle flags: 1 italic, 2 bold, 4 underline.
  if (fontStyle && fontStyle & 1) classes.push("i");
  if (fontStyle && fontStyle & 2) classes.push("b");
  const text = escapeHtml(content);
  return classes.length === 0 ? text : `<span class="${classes.join(" ")}">${text}</span>`;
}

/**
 * Shiki's JavaScript engine converts each Oniguruma pattern of a grammar to a JavaScript RegExp,
 * and for the TypeScript grammar that conversion is most of a cold run's time. The result depends
 * only on the pattern and the library versions, so it is kept in node_modules/.cache between runs.
 * Patterns that need emulation beyond a plain RegExp are converted every time, never cached.
 */
function openRegexCache() {
  const version = readShikiVersion();
  const key = createHash("sha256")
    .update(`${version} ${process.version}`)
    .digest("hex")
    .slice(0, 16);
  const file = path.join(cacheDirectory(), `shiki-regex-${key}.json`);
  let stored: Record<string, [string, string]> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed === "object" && parsed !== null) stored = parsed as typeof stored;
  } catch {
    // No cache yet, or a damaged one: convert from scratch.
  }
  let added = 0;
  return {
    construct(pattern: string): RegExp {
      const hit = Object.hasOwn(stored, pattern) ? stored[pattern] : undefined;
      if (Array.isArray(hit) && typeof hit[0] === "string" && typeof hit[1] === "string") {
        try {
          return new RegExp(hit[0], hit[1]);
        } catch {
          // Fall through and convert again.
        }
      }
      const regex = defaultJavaScriptRegexConstructor(pattern);
      if (regex.constructor === RegExp) {
        stored[pattern] = [regex.source, regex.flags];
        added++;
      }
      return regex;
    },
    save() {
      if (added === 0) return;
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        // Write then rename: two builds running at once never read half a file.
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify(stored));
        renameSync(temporary, file);
        added = 0;
      } catch {
        // A read-only checkout still builds, just without the speed-up.
      }
    },
  };
}

function cacheDirectory(): string {
  return path.resolve(import.meta.dirname, "..", "..", "node_modules", ".cache", "handouts");
}

function readShikiVersion(): string {
  try {
    const file = path.resolve(
      import.meta.dirname,
      "..",
      "..",
      "node_modules",
      "shiki",
      "package.json",
    );
    return String(JSON.parse(readFileSync(file, "utf8")).version);
  } catch {
    return "unknown";
  }
}
