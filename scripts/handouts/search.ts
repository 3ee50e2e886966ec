/**
 * Search across the lessons, on a static page that works from disk: the index is built here with
 * MiniSearch and written into search.html together with MiniSearch itself (minified), so the page
 * needs no server, no network and no second file. A result links to the section (heading) of the
 * lesson where the words are.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import type { RenderCache } from "./cache";
import type { Edition } from "./edition";
import { type PageLink, renderPage } from "./page";

/** One searchable piece of a lesson: the text from one heading to the next. */
export interface SearchDocument {
  id: number;
  /** The page and the heading's anchor: "03_server_side.html#step-2-listen". */
  href: string;
  lesson: string;
  section: string;
  text: string;
}

const indexOptions = {
  fields: ["section", "text"],
  storeFields: ["href", "lesson", "section", "excerpt"],
};

/**
 * Splits a lesson page (as renderLesson wrote it) into sections at its headings, as plain text.
 */
export function searchDocuments(
  page: string,
  lesson: string,
  html: string,
  firstId: number,
): SearchDocument[] {
  const start = html.indexOf('<main id="content">');
  const end = html.lastIndexOf("</main>");
  const main = html.slice(Math.max(start, 0), end < 0 ? html.length : end);
  const documents: SearchDocument[] = [];
  // Our own renderer wrote this HTML: headings are <hN id="...">...</hN>, one per line.
  const parts = main.split(/(?=<h[1-4] id=")/);
  for (const part of parts) {
    const heading = /^<h[1-4] id="([^"]+)"[^>]*>([\s\S]*?)<\/h[1-4]>/.exec(part);
    const text = plainText(heading ? part.slice(heading[0].length) : part);
    const section = heading ? plainText(heading[2]).replace(/\s*#$/, "") : lesson;
    if (text === "" && !heading) continue;
    documents.push({
      id: firstId + documents.length,
      href: heading ? `${page}#${heading[1]}` : page,
      lesson,
      section,
      text,
    });
  }
  return documents;
}

function plainText(html: string): string {
  return (
    html
      .replace(/<button[\s\S]*?<\/button>/g, " ")
      // A diagram's src holds its SVG with ">" unencoded (single-quoted): skip the tag whole.
      .replace(/<img\b(?:[^>"']|"[^"]*"|'[^']*')*>/g, " ")
      // Inline markup joins the words around it ("socket.<span>AF_INET</span>"); blocks separate them.
      .replace(/<\/?(?:span|code|a|strong|em|b|i)\b[^>]*>/g, "")
      .replace(/<[^>]*>/g, " ")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/**
 * The search page: the index of every section of every lesson, MiniSearch, and the code that
 * asks it as the reader types (and reads `?q=` from the address).
 */
export async function renderSearchPage(
  options: {
    courseTitle: string;
    edition: Edition;
    documents: SearchDocument[];
    index?: PageLink;
  },
  cache?: RenderCache,
): Promise<string> {
  // Unchanged lessons give the same page: a rebuild loads neither MiniSearch nor esbuild.
  // The page's frame (styles, scripts, policy) is part of what is cached.
  const frame = renderPage({ title: "", courseTitle: "", body: "", edition: options.edition });
  const key = JSON.stringify([options, indexOptions, searchScript, frame]);
  const cached = cache?.get("search-page", key);
  if (typeof cached === "string") return cached;
  const { default: MiniSearch } = await import("minisearch");
  const search = new MiniSearch<SearchDocument & { excerpt: string }>(indexOptions);
  search.addAll(options.documents.map((d) => ({ ...d, excerpt: d.text.slice(0, 200) })));
  // In a <script type="application/json">: data, never run; "<" escaped so no text ends the element.
  const data = JSON.stringify({ options: indexOptions, index: search }).replace(/</g, "\\u003c");
  const body = `<h1>Search the lessons</h1>
<p class="search"><label for="q">Words to find (in every lesson, code and outputs included):</label><br><input id="q" type="search" autocomplete="off" placeholder="for example: ECONNREFUSED"></p>
<p id="count" class="source" aria-live="polite">${options.documents.length} sections of lessons can be searched. This page needs JavaScript.</p>
<ol id="results" class="results"></ol>
<script type="application/json" id="search-index">${data}</script>`;
  const page = renderPage({
    title: "Search",
    courseTitle: options.courseTitle,
    body,
    edition: options.edition,
    index: options.index,
    scripts: [{ code: miniSearchScript() }, { code: searchScript }],
  });
  cache?.set("search-page", key, page);
  return page;
}

/** Asks the index as the reader types; each result links to its section. */
export const searchScript = `(() => {
const data = JSON.parse(document.getElementById("search-index").textContent);
const search = MiniSearch.loadJS(data.index, data.options);
const input = document.getElementById("q");
const list = document.getElementById("results");
const count = document.getElementById("count");
const show = () => {
  const query = input.value.trim();
  list.replaceChildren();
  if (query === "") { count.textContent = ""; return; }
  const found = search.search(query, { prefix: true, fuzzy: 0.15, combineWith: "AND", boost: { section: 2 } }).slice(0, 50);
  count.textContent = found.length === 0 ? "Nothing found for " + JSON.stringify(query) + "." : found.length + " section(s) found.";
  for (const hit of found) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = hit.href;
    link.textContent = hit.lesson === hit.section ? hit.lesson : hit.lesson + " › " + hit.section;
    const excerpt = document.createElement("p");
    excerpt.textContent = hit.excerpt + (hit.excerpt.length >= 200 ? "…" : "");
    item.append(link, excerpt);
    list.append(item);
  }
};
input.addEventListener("input", show);
const asked = new URLSearchParams(location.search).get("q");
if (asked) input.value = asked;
show();
input.focus();
})();`;

let miniSearchCode: string | undefined;

/** MiniSearch's browser build (it defines the global MiniSearch), minified once per process. */
function miniSearchScript(): string {
  if (miniSearchCode === undefined) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("minisearch").replace(/cjs[/\\]index\.cjs$/, "umd/index.js");
    const source = readFileSync(file, "utf8");
    const esbuild = require("esbuild") as typeof import("esbuild");
    miniSearchCode = esbuild
      .transformSync(source, { minify: true, legalComments: "inline", target: "es2019" })
      .code.trim();
  }
  return miniSearchCode;
}
