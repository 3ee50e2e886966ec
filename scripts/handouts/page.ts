/**
 * The HTML page around a lesson (or the index): layout, table of contents, previous/next links,
 * the link to the source notebook, a Content-Security-Policy, and inline CSS for light, dark and
 * print. Everything is inline: a handout is one file that opens with no network.
 */
import { createHash } from "node:crypto";

import type { Edition } from "./edition";
import { escapeHtml } from "./escape";
import type { TocEntry } from "./markdown";

export interface PageLink {
  href: string;
  title: string;
}

export interface PageOptions {
  /** The page's `<title>` (the lesson's H1 or the course's name). */
  title: string;
  /** Shown in the `<title>` after the page's own title. */
  courseTitle: string;
  /** The content, already escaped or sanitized. */
  body: string;
  edition: Edition;
  /** Headings of levels 2 and 3, linked from the contents list; no list when empty. */
  toc?: TocEntry[];
  index?: PageLink;
  prev?: PageLink;
  next?: PageLink;
  /** The notebook this page was made from, offered for download. */
  source?: PageLink;
}

/**
 * Light palette by default; the dark one only on screens that ask for it, so print is always light.
 * Token colours (--k keyword, --s string, --c comment, --n constant, --f function, --p parameter,
 * --g tag, --r invalid) are shiki's GitHub light and dark themes; comments are a little lighter on
 * dark than GitHub's #6a737d, which reads poorly on a dark background.
 */
export const pageCss = `:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--code:#f6f8fa;--link:#0969da;--err-bg:#ffebe9;--err:#82071e;--mark:#fff8c5;
--k:#d73a49;--s:#032f62;--c:#6a737d;--n:#005cc5;--f:#6f42c1;--p:#e36209;--g:#22863a;--r:#b31d28}
@media screen and (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--code:#151b23;--link:#4493f8;--err-bg:#2d1215;--err:#ffa198;--mark:#3b2e05;
--k:#f97583;--s:#9ecbff;--c:#8b949e;--n:#79b8ff;--f:#b392f0;--p:#ffab70;--g:#85e89d;--r:#fdaeb7}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
.site,.foot{max-width:72rem;margin:0 auto;padding:.5rem 1rem}
.pager{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;font-size:.9rem}
.pager [rel=next]{margin-left:auto}
.layout{display:grid;grid-template-columns:minmax(0,1fr);gap:0 2rem;max-width:72rem;margin:0 auto;padding:0 1rem}
@media (min-width:60rem){.has-toc{grid-template-columns:14rem minmax(0,1fr)}.toc{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto}}
.toc{font-size:.875rem;padding:1rem 0}
.toc p{margin:0 0 .25rem;font-weight:600}
.toc ol{list-style:none;margin:0;padding:0}
.toc .l3{padding-left:1rem}
.toc a{color:var(--muted);text-decoration:none}
.toc a:hover{color:var(--link)}
main{min-width:0;padding-bottom:2rem}
.source{color:var(--muted);font-size:.875rem}
h1,h2,h3,h4{line-height:1.25;margin:1.5em 0 .5em}
.anchor{margin-left:.3em;color:var(--muted);text-decoration:none;opacity:0}
h1:hover .anchor,h2:hover .anchor,h3:hover .anchor,h4:hover .anchor,.anchor:focus{opacity:1}
img,svg{max-width:100%;height:auto}
table{border-collapse:collapse}
th,td{border:1px solid var(--line);padding:.25rem .6rem}
code{font:.875em/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
:not(pre)>code{background:var(--code);padding:.1em .3em;border-radius:4px}
pre{position:relative;margin:.5rem 0;padding:.75rem 1rem;overflow-x:auto;border-radius:6px;font:.875rem/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre code{font:inherit}
pre.code{background:var(--code);border:1px solid var(--line)}
.cell{margin:1rem 0}
.cell.solution>.label{display:inline-block;margin-bottom:.25rem;padding:0 .5rem;border-radius:4px;background:var(--mark);font-size:.8rem}
.output{margin:.25rem 0}
pre.output{background:transparent;border-left:3px solid var(--line);border-radius:0}
pre.stderr,pre.error{background:var(--err-bg);color:var(--err);border-left-color:var(--err)}
.output.html,.output.markdown{overflow-x:auto;contain:content}
.output.image img{background:#fff}
.note,.missing{color:var(--muted);font-style:italic}
.k{color:var(--k)}.s{color:var(--s)}.c{color:var(--c)}.n{color:var(--n)}.f{color:var(--f)}.p{color:var(--p)}.g{color:var(--g)}.r{color:var(--r)}.i{font-style:italic}.b{font-weight:600}
.copy{position:absolute;top:.3rem;right:.3rem;font-size:.75rem;padding:.1rem .5rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--muted);cursor:pointer;opacity:0}
pre:hover>.copy,.copy:focus{opacity:1}
.lessons{padding:0;list-style:none}
.lessons li{margin:1rem 0}
.lessons a{font-weight:600}
.lessons p{margin:.25rem 0 0;color:var(--muted)}
@media print{
.site,.foot,.toc,.copy,.anchor{display:none!important}
body{font-size:11pt;line-height:1.45}
.layout{display:block;max-width:none;padding:0}
a{color:inherit;text-decoration:none}
pre{white-space:pre-wrap;overflow-wrap:anywhere;overflow:visible}
.cell,pre,img,tr{break-inside:avoid}
h1,h2,h3,h4{break-after:avoid}
@page{margin:16mm}
}`;

/**
 * ANSI colours (Jupyter's palette, lighter on dark screens) for the classes ansi_up writes; only
 * pages with colour output carry them.
 */
export const ansiCss = `:root{--a0:#3e424d;--a1:#c4312c;--a2:#00803d;--a3:#9a7800;--a4:#0065ca;--a5:#a03196;--a6:#1c7d7e;--a7:#8a8a80;--a8:#282c36;--a9:#e75c58;--a10:#00a250;--a11:#b27d12;--a12:#208ffb;--a13:#d160c4;--a14:#258f8f;--a15:#a1a6b2}
@media screen and (prefers-color-scheme:dark){:root{--a0:#9198a1;--a1:#ff7b72;--a2:#3fb950;--a3:#d29922;--a4:#58a6ff;--a5:#bc8cff;--a6:#39c5cf;--a7:#d1d7e0;--a8:#b7bdc8;--a9:#ffa198;--a10:#56d364;--a11:#e3b341;--a12:#79c0ff;--a13:#d2a8ff;--a14:#56d4dd;--a15:#f0f6fc}}
.ansi-black-fg{color:var(--a0)}.ansi-red-fg{color:var(--a1)}.ansi-green-fg{color:var(--a2)}.ansi-yellow-fg{color:var(--a3)}.ansi-blue-fg{color:var(--a4)}.ansi-magenta-fg{color:var(--a5)}.ansi-cyan-fg{color:var(--a6)}.ansi-white-fg{color:var(--a7)}
.ansi-bright-black-fg{color:var(--a8)}.ansi-bright-red-fg{color:var(--a9)}.ansi-bright-green-fg{color:var(--a10)}.ansi-bright-yellow-fg{color:var(--a11)}.ansi-bright-blue-fg{color:var(--a12)}.ansi-bright-magenta-fg{color:var(--a13)}.ansi-bright-cyan-fg{color:var(--a14)}.ansi-bright-white-fg{color:var(--a15)}
.ansi-black-bg{background:var(--a0)}.ansi-red-bg{background:var(--a1)}.ansi-green-bg{background:var(--a2)}.ansi-yellow-bg{background:var(--a3)}.ansi-blue-bg{background:var(--a4)}.ansi-magenta-bg{background:var(--a5)}.ansi-cyan-bg{background:var(--a6)}.ansi-white-bg{background:var(--a7)}`;

/**
 * Copy buttons on code blocks. Optional: the page reads the same without JavaScript, and the
 * Content-Security-Policy allows exactly this script (by its hash) and nothing else.
 */
export const copyScript = `for (const pre of document.querySelectorAll("pre.code")) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = "Copy";
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(pre.querySelector("code").textContent);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select the text to copy";
    }
    setTimeout(() => { button.textContent = "Copy"; }, 2000);
  });
  pre.append(button);
}`;

const scriptHash = createHash("sha256").update(copyScript).digest("base64");

/**
 * No script but ours, nothing loaded from anywhere: images only from data: URIs, styles only inline
 * (the page's own and sanitized style attributes), no forms, no <base>.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "img-src data:",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${scriptHash}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/**
 * Renders a complete HTML page.
 *
 * @example
 * renderPage({ title: "03. The server side", courseTitle: "Sockets course", body: "<h1>...</h1>",
 *   edition: "instructor", index: { href: "index.html", title: "All lessons" } });
 */
export function renderPage(options: PageOptions): string {
  const { title, courseTitle, body, edition, toc = [], index, prev, next, source } = options;
  const pager = renderPager(index, prev, next);
  const fullTitle = title === courseTitle ? title : `${title} · ${courseTitle}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="sockets-course handouts (${edition} edition)">
<title>${escapeHtml(fullTitle)}</title>
<style>
${pageCss}${body.includes('class="ansi-') ? `\n${ansiCss}` : ""}
</style>
</head>
<body>
<header class="site">${pager}</header>
<div class="layout${toc.length > 0 ? " has-toc" : ""}">
${renderToc(toc)}<main>
${source ? `<p class="source">${edition === "student" ? "Student" : "Instructor"} edition · notebook: <a href="${escapeHtml(source.href)}" download>${escapeHtml(source.title)}</a></p>\n` : ""}${body}
</main>
</div>
<footer class="foot">${pager}</footer>
<script>${copyScript}</script>
</body>
</html>
`;
}

function renderPager(index?: PageLink, prev?: PageLink, next?: PageLink): string {
  if (!index && !prev && !next) return "";
  const link = (page: PageLink | undefined, rel: string, text: (title: string) => string) =>
    page
      ? `<a rel="${rel}" href="${escapeHtml(page.href)}">${escapeHtml(text(page.title))}</a>`
      : "";
  return `<nav class="pager" aria-label="Lessons">${link(index, "index", (t) => t)}${link(prev, "prev", (t) => `← ${t}`)}${link(next, "next", (t) => `${t} →`)}</nav>`;
}

function renderToc(toc: TocEntry[]): string {
  if (toc.length === 0) return "";
  const items = toc
    .map(
      (entry) =>
        `<li class="l${entry.level}"><a href="#${escapeHtml(entry.slug)}">${escapeHtml(entry.title)}</a></li>`,
    )
    .join("\n");
  return `<nav class="toc" aria-label="Contents">\n<p>Contents</p>\n<ol>\n${items}\n</ol>\n</nav>\n`;
}
