/**
 * Syntax highlighting at build time with shiki, so no highlighting JavaScript reaches the reader.
 *
 * Code is tokenized once, with GitHub's light theme, and each token colour of that theme becomes a
 * short class (`<span class=k>` for a keyword). The page's stylesheet gives every class its colour
 * in GitHub's light theme and, on screens that ask for dark, in GitHub's dark theme (through CSS
 * variables), so the highlighting follows the reader's `prefers-color-scheme`. Text in the
 * default colour gets no span at all, which keeps the pages small.
 */
import { escapeText } from "./escape";

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

/**
 * GitHub light theme colour -> class name used in the HTML and in page.ts's stylesheet (which also
 * holds each class's dark colour). Colours not listed (the text colour, bracket highlights) get
 * no class.
 */
export const tokenClasses: Record<string, string> = {
  "#D73A49": "k", // keywords, storage (const, await, function)
  "#032F62": "s", // strings
  "#6A737D": "c", // comments
  "#005CC5": "n", // constants, numbers, support (console), properties
  "#6F42C1": "f", // functions, classes, types (entity names)
  "#E36209": "p", // variables and parameters being declared
  "#22863A": "g", // tags, escapes in regular expressions
  "#B31D28": "r", // invalid code
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

/** Build-time syntax highlighting (shiki): code in, the inner HTML of a `<code>` element out. */
export interface Highlighter {
  /**
   * Highlights `code` as `language` (a fence's info string or a kernel's language name).
   * Returns the inner HTML of a `<code>` element: escaped text with token spans.
   */
  highlight(code: string, language: string): string;
  /** The canonical language name used for `language`, or undefined when it is shown plain. */
  resolve(language: string): string | undefined;
}

const themeName = "github-light";

/**
 * The canonical name of a language the handouts highlight, or undefined (shown plain).
 */
export function resolveLanguage(language: string): string | undefined {
  const name = language.trim().toLowerCase();
  return Object.hasOwn(languageAliases, name) ? languageAliases[name] : undefined;
}

/**
 * Loads shiki with only the course's languages (TypeScript, JavaScript, bash, Python, JSON).
 */
export async function createHighlighter(): Promise<Highlighter> {
  // Imported here, not at the top: a rebuild that finds all its code in the cache (cache.ts)
  // never loads shiki at all.
  const { createHighlighterCore } = await import("shiki/core");
  const { createOnigurumaEngine } = await import("shiki/engine/oniguruma");
  const core = await createHighlighterCore({
    // VS Code's own regex library compiled to WebAssembly (shipped inside shiki): on a cold build
    // it measured about a second of CPU faster here than shiki's JavaScript engine, which first
    // converts every Oniguruma pattern to a JavaScript RegExp; the tokens were identical.
    engine: await createOnigurumaEngine(import("shiki/wasm")),
    langs: [
      import("@shikijs/langs/typescript"),
      import("@shikijs/langs/javascript"),
      import("@shikijs/langs/bash"),
      import("@shikijs/langs/python"),
      import("@shikijs/langs/json"),
    ],
    themes: [import("@shikijs/themes/github-light")],
  });
  return {
    resolve: resolveLanguage,
    highlight(code, language) {
      const lang = resolveLanguage(language);
      if (lang === undefined || code.length > maxCodeLength) return escapeText(code);
      const lines = core.codeToTokensBase(code, {
        lang,
        theme: themeName,
        tokenizeMaxLineLength: maxLineLength,
        tokenizeTimeLimit: lineTimeLimitMs,
      });
      let html = "";
      for (let i = 0; i < lines.length; i++) {
        if (i > 0) html += "\n";
        html += renderLine(lines[i]);
      }
      return html;
    },
  };
}

/** Indentations up to this have a class of their own (`w4`, in page.ts); deeper ones a style. */
export const maxIndentClass = 32;

/**
 * A code block's lines, each indented one in a block of its own whose wrapped parts hang under
 * its own indentation, 4 characters further in (class `w2` for 2 spaces: the page's stylesheet): a wrapped
 * line never seems to start a statement at a shallower level. Lines of `html` (highlighted or
 * escaped code) are whole: no span crosses a line break. The text, and so what the copy button
 * copies, stays the same.
 *
 * @example
 * hangIndentedLines("if (a) {\n  go();\n}"); // 'if (a) {\n<span class=w2>  go();\n</span>}'
 */
export function hangIndentedLines(html: string): string {
  const lines = html.split("\n");
  let out = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const last = i === lines.length - 1;
    const indent = /^ +/.exec(line.replace(/^(?:<span[^>]*>)+/, ""))?.[0].length ?? 0;
    // A line of spaces only is left alone: nothing of it can wrap.
    if (indent === 0 || indent === line.replace(/<[^>]*>/g, "").length) {
      out += last ? line : `${line}\n`;
    } else {
      // The line break goes inside the block: a break between blocks would add an empty line.
      const block = indent <= maxIndentClass ? `w${indent}` : `w style=--i:${indent}`;
      out += `<span class=${block}>${line}${last ? "" : "\n"}</span>`;
    }
  }
  return out;
}

/**
 * One line of tokens as HTML: neighbouring tokens of one class share a span, and so do tokens of
 * one class with only spaces between them (`await new` is one keyword span).
 */
function renderLine(
  tokens: Array<{ content: string; color?: string; fontStyle?: number }>,
): string {
  let html = "";
  let open: string | undefined; // the class of the span being built
  let text = "";
  let pendingSpace = "";
  const flush = () => {
    if (text !== "")
      html +=
        open === undefined ? escapeText(text) : `<span class=${open}>${escapeText(text)}</span>`;
    text = "";
  };
  for (const token of tokens) {
    if (open !== undefined && /^\s+$/.test(token.content)) {
      pendingSpace += token.content;
      continue;
    }
    const name = tokenClass(token.color, token.fontStyle);
    if (name === open) {
      text += pendingSpace + token.content;
    } else {
      flush();
      html += escapeText(pendingSpace);
      open = name;
      text = token.content;
    }
    pendingSpace = "";
  }
  flush();
  return html + escapeText(pendingSpace);
}

/** The class (or classes) of a token, or undefined for text in the default colour. */
function tokenClass(color: string | undefined, fontStyle: number | undefined): string | undefined {
  const classes = [];
  const colour = color === undefined ? undefined : tokenClasses[color.toUpperCase()];
  if (colour) classes.push(colour);
  // shiki's FontStyle flags: 1 italic, 2 bold, 4 underline.
  if (fontStyle && fontStyle & 1) classes.push("i");
  if (fontStyle && fontStyle & 2) classes.push("b");
  // Unquoted when it is one word: valid HTML, two bytes less on every span.
  return classes.length === 0
    ? undefined
    : classes.length === 1
      ? classes[0]
      : `"${classes.join(" ")}"`;
}
