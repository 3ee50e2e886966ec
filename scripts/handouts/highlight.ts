/**
 * Syntax highlighting at build time with shiki, so no highlighting JavaScript reaches the reader.
 *
 * Shiki's "css-variables" theme colours every token with a CSS variable (`--hl-token-keyword`, ...)
 * instead of a fixed colour: the code is tokenized once, and the page's stylesheet gives the
 * variables a light and a dark palette that follow the reader's `prefers-color-scheme`. Tokens
 * come out as short classes (`<span class="k">`), which keeps the pages small.
 */
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
 * The canonical name of a language the handouts highlight, or undefined (shown plain).
 *
 * @example
 * resolveLanguage("ts"); // "typescript"
 */
export function resolveLanguage(language: string): string | undefined {
  const name = language.trim().toLowerCase();
  return Object.hasOwn(languageAliases, name) ? languageAliases[name] : undefined;
}

/**
 * Loads shiki with only the course's languages (TypeScript, JavaScript, bash, Python, JSON).
 *
 * @example
 * const highlighter = await createHighlighter();
 * `<pre><code>${highlighter.highlight('const port = 0;', "ts")}</code></pre>`;
 */
export async function createHighlighter(): Promise<Highlighter> {
  // Imported here, not at the top: a rebuild that finds all its code in the cache (cache.ts)
  // never loads shiki at all.
  const { createCssVariablesTheme, createHighlighterCore } = await import("shiki/core");
  const { createJavaScriptRegexEngine } = await import("shiki/engine/javascript");
  const core = await createHighlighterCore({
    // The JavaScript engine needs no WebAssembly and measured as fast as Oniguruma here.
    engine: createJavaScriptRegexEngine(),
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
  return {
    resolve: resolveLanguage,
    highlight(code, language) {
      const lang = resolveLanguage(language);
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
