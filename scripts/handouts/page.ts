/**
 * The HTML page around a lesson (or the index): layout, table of contents, previous/next links,
 * the link to the source notebook, a Content-Security-Policy, and inline CSS for light, dark and
 * print. Everything is inline: a handout is one file that opens with no network.
 */
import { createHash } from "node:crypto";

import type { Edition } from "./edition";
import { escapeHtml } from "./escape";
import { maxIndentClass } from "./highlight";
import type { TocEntry } from "./markdown";

/** A link between pages (previous and next lesson, the index): where, and what it says. */
export interface PageLink {
  href: string;
  title: string;
}

/** Everything one HTML page is made of; renderPage adds the layout, stylesheet and scripts. */
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
  /** The course's repository, linked as what the downloaded notebook needs; none when not configured. */
  repository?: string;
  /** Where this lesson can be opened and run (Binder, a JupyterHub); none when not configured. */
  launch?: LaunchLink[];
  /** The course's search page, linked from the header. */
  search?: PageLink;
  /** Further inline scripts of this page (the search page's), allowed by their hashes. */
  scripts?: { code: string }[];
}

/**
 * The palettes as CSS custom properties. Text colours: --fg, --muted, --link, --err; token
 * colours of the highlighted code (--k keyword, --s string, --c comment, --n constant, --f
 * function, --p parameter, --g tag, --r invalid). The light token colours are GitHub's, darkened
 * where GitHub's fall below WCAG AA (4.5:1) on the code or error background; every text colour
 * of both palettes is at least 4.5:1 on every background it is shown on (the browser test
 * computes it).
 */
const palette: Record<string, [light: string, dark: string]> = {
  bg: ["#fff", "#0d1117"],
  fg: ["#1f2328", "#e6edf3"],
  muted: ["#59636e", "#9198a1"],
  line: ["#d1d9e0", "#3d444d"],
  code: ["#f6f8fa", "#151b23"],
  link: ["#0969da", "#4493f8"],
  "err-bg": ["#ffebe9", "#2d1215"],
  err: ["#82071e", "#ffa198"],
  mark: ["#fff8c5", "#3b2e05"],
  k: ["#cf222e", "#f97583"],
  s: ["#032f62", "#9ecbff"],
  c: ["#57606a", "#8b949e"],
  n: ["#005cc5", "#79b8ff"],
  f: ["#6f42c1", "#b392f0"],
  p: ["#953800", "#ffab70"],
  g: ["#116329", "#85e89d"],
  r: ["#a40e26", "#fdaeb7"],
};

/**
 * Each colour once, as `light-dark()`: which of the two applies follows the page's
 * `color-scheme`, set by the reader's choice from the theme button (`data-theme` on `<html>`,
 * remembered in localStorage), else by the system setting; print is always light.
 */
function themed(colours: Record<string, [string, string]>): string {
  const properties = Object.entries(colours)
    .map(([name, [light, dark]]) => `--${name}:light-dark(${light},${dark})`)
    .join(";");
  return `:root{${properties}}`;
}

/** A diagram drawn dark on white is shown inverted (hues kept) on a dark page. */
const darkDiagram = "filter:invert(.9) hue-rotate(180deg)";

/**
 * The page's stylesheet. Outputs wrap as Jupyter wraps them; code wraps too, each wrapped part of
 * a line indented (`text-indent: hanging each-line`), so a long line is never cut off. Tables and
 * diagrams scroll inside their own box; the page itself never scrolls sideways.
 */
export const pageCss = `${themed(palette)}
:root{color-scheme:light dark}:root[data-theme=light]{color-scheme:light}:root[data-theme=dark]{color-scheme:dark}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
.skip{position:absolute;left:1rem;top:-4rem;padding:.25rem .75rem;background:var(--bg);border:1px solid var(--line);z-index:2}
.skip:focus{top:.5rem}
.site,.foot{max-width:96rem;margin:0 auto;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;font-size:.9rem}
.pager{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;flex:1 1 20rem}
.pager [rel=next]{margin-left:auto}
.tools{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.theme{font:inherit;padding:.1rem .6rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg);cursor:pointer}
.layout{display:grid;grid-template-columns:minmax(0,1fr);gap:0 2rem;max-width:96rem;margin:0 auto;padding:0 1rem}
@media (min-width:60rem){.has-toc{grid-template-columns:14rem minmax(0,1fr)}.toc{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto}}
.toc{font-size:.875rem;padding:.5rem 0}
.toc summary{font-weight:600;cursor:pointer}
.toc ol{list-style:none;margin:.25rem 0 0;padding:0}
.toc .l3{padding-left:1rem}
.toc a{color:var(--muted);text-decoration:none}
.toc a:hover,.toc a[aria-current]{color:var(--link)}
.toc a[aria-current]{font-weight:600}
main{min-width:0;padding-bottom:2rem}
.markdown>p,.markdown>ul,.markdown>ol,.markdown>blockquote,.lessons{max-width:52rem}
.source{color:var(--muted);font-size:.875rem}
h1,h2,h3,h4{line-height:1.25;margin:1.5em 0 .5em;scroll-margin-top:1rem}
[id]{scroll-margin-top:1rem}
.anchor{margin-left:.3em;color:var(--muted);text-decoration:none;opacity:0}
h1:hover .anchor,h2:hover .anchor,h3:hover .anchor,h4:hover .anchor{opacity:1}
img,svg{max-width:100%;height:auto}
.table{overflow-x:auto;max-width:100%}
@media (max-width:40rem){.table th,.table td{min-width:9rem}}
.table code{overflow-wrap:normal}
table{border-collapse:collapse}
th,td{border:1px solid var(--line);padding:.25rem .6rem}
code{font:.875em/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
:not(pre)>code{background:var(--code);padding:.1em .3em;border-radius:4px;overflow-wrap:anywhere}
pre{position:relative;margin:.5rem 0;padding:.75rem 1rem;border-radius:6px;font:.875rem/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere;text-indent:4ch hanging each-line}
pre code{font:inherit}
pre [class^=w]{display:block;padding-left:calc(var(--i)*1ch + 4ch);text-indent:calc(var(--i)*-1ch - 4ch)}
${Array.from({ length: maxIndentClass }, (_, i) => `.w${i + 1}{--i:${i + 1}}`).join("")}
pre.code{background:var(--code);border:1px solid var(--line)}
pre.code.has-copy{padding-top:1.9rem}
.cell{margin:1rem 0}
.cell.solution>.label{display:block;width:fit-content;margin-bottom:.25rem;padding:0 .5rem;border-radius:4px;background:var(--mark);font-size:.8rem}
.output{margin:.25rem 0}
pre.output{background:transparent;border-left:3px solid var(--line);border-radius:0}
pre.stderr,pre.error{background:var(--err-bg);color:var(--err);border-left-color:var(--err)}
.output.html,.output.markdown{overflow-x:auto;contain:content}
.output.image img{background:#fff}
.note,.missing{color:var(--muted);font-style:italic}
.k{color:var(--k)}.s{color:var(--s)}.c{color:var(--c)}.n{color:var(--n)}.f{color:var(--f)}.p{color:var(--p)}.g{color:var(--g)}.r{color:var(--r)}.i{font-style:italic}.b{font-weight:600}
.copy{position:absolute;top:.25rem;right:.3rem;font-size:.75rem;line-height:1.4;padding:0 .5rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--muted);cursor:pointer;text-indent:0}
.lessons{padding:0;list-style:none}
.lessons li{margin:1rem 0}
.lessons a{font-weight:600}
.lessons p{margin:.25rem 0 0;color:var(--muted)}
@media print{
:root,:root[data-theme]{color-scheme:light}
.site,.foot,.toc,.copy,.anchor,.skip{display:none!important}
body{font-size:11pt;line-height:1.45}
.layout{display:block;max-width:none;padding:0}
main{padding-bottom:0}
a{color:inherit;text-decoration:none}
pre{overflow:visible;orphans:3;widows:3}
pre.code.has-copy{padding-top:.75rem}
img,tr{break-inside:avoid}
h1,h2,h3,h4{break-after:avoid}
.cell.markdown>:last-child,.cell>.label{break-after:avoid}
@page{margin:16mm}
}`;

/**
 * Diagrams (SVG outputs): at most their own size, shrunk to their box only as far as their
 * smallest label stays 11 px (each image's min-width, from outputs.ts), scrolling inside their box
 * past that; inverted on a dark page; fitted to the paper in print.
 */
export const diagramCss = `.output.svg{overflow-x:auto}
.output.svg img{max-width:100%}
.full{font-size:.8rem}
@media screen and (prefers-color-scheme:dark){:root:not([data-theme=light]) .output.svg img{${darkDiagram}}}
@media screen{:root[data-theme=dark] .output.svg img{${darkDiagram}}}
@media print{.full{display:none}.output.svg{overflow:visible}.output.svg img{max-width:100%;min-width:0!important}}`;

/** The search page's own styles. */
export const searchCss = `.results li{margin:.75rem 0}
.results p{margin:.1rem 0 0;color:var(--muted)}
.search input{font:inherit;width:100%;max-width:32rem;padding:.3rem .5rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}`;

/**
 * ANSI colours (Jupyter's palette, darkened where it falls below 4.5:1 on the page or the error
 * background; lighter on dark screens) for the classes ansi_up writes; only pages with colour
 * output carry them.
 */
const ansiLight =
  "#3e424d #c4312c #006b33 #765c00 #0065ca #a03196 #166b6c #5f5f58 #282c36 #b3261e #006b33 #7a5a00 #0058b0 #983a8e #12696a #5c6170".split(
    " ",
  );
const ansiDark =
  "#9198a1 #ff7b72 #3fb950 #d29922 #58a6ff #bc8cff #39c5cf #d1d7e0 #b7bdc8 #ffa198 #56d364 #e3b341 #79c0ff #d2a8ff #56d4dd #f0f6fc".split(
    " ",
  );
export const ansiCss = `${themed(Object.fromEntries(ansiLight.map((light, i) => [`a${i}`, [light, ansiDark[i]]])))}
.ansi-black-fg{color:var(--a0)}.ansi-red-fg{color:var(--a1)}.ansi-green-fg{color:var(--a2)}.ansi-yellow-fg{color:var(--a3)}.ansi-blue-fg{color:var(--a4)}.ansi-magenta-fg{color:var(--a5)}.ansi-cyan-fg{color:var(--a6)}.ansi-white-fg{color:var(--a7)}
.ansi-bright-black-fg{color:var(--a8)}.ansi-bright-red-fg{color:var(--a9)}.ansi-bright-green-fg{color:var(--a10)}.ansi-bright-yellow-fg{color:var(--a11)}.ansi-bright-blue-fg{color:var(--a12)}.ansi-bright-magenta-fg{color:var(--a13)}.ansi-bright-cyan-fg{color:var(--a14)}.ansi-bright-white-fg{color:var(--a15)}
.ansi-black-bg{background:var(--a0)}.ansi-red-bg{background:var(--a1)}.ansi-green-bg{background:var(--a2)}.ansi-yellow-bg{background:var(--a3)}.ansi-blue-bg{background:var(--a4)}.ansi-magenta-bg{background:var(--a5)}.ansi-cyan-bg{background:var(--a6)}.ansi-white-bg{background:var(--a7)}`;

/** Where the reader's theme choice is remembered (localStorage works on file:// pages too). */
const themeKey = "sockets-course-theme";

/**
 * Runs in `<head>`, before anything is drawn: applies a remembered theme choice, so a dark page
 * never flashes light. Storage may be refused (private windows, strict settings): then the page
 * simply follows the system setting.
 */
export const themeScript = `try{var t=localStorage.getItem("${themeKey}");if(t==="dark"||t==="light")document.documentElement.dataset.theme=t}catch(e){}`;

/**
 * What the page adds when JavaScript runs. Optional: the page reads the same without it, and the
 * Content-Security-Policy allows exactly this script and themeScript (by their hashes) and nothing
 * else. Copy buttons on code blocks; the light/dark button; the contents open on wide screens and
 * marking the section being read; a button that opens a diagram alone, full size.
 */
/**
 * The script's parts, written compact by hand (every page repeats them, and a minifier at build
 * time would cost every build its start-up). `common`: the theme button (it flips `data-theme`
 * and remembers the choice) and the copy buttons. `diagram`: a button that opens a diagram alone,
 * full size (a blob: URL of its SVG: browsers refuse to open data: URLs). `toc`: the contents
 * opened on a wide screen, and the link of the section being read marked as it scrolls.
 */
const scriptParts = {
  common: `const R=document.documentElement,M=matchMedia("(prefers-color-scheme: dark)"),D=()=>R.dataset.theme?R.dataset.theme==="dark":M.matches,T=document.querySelector(".site .tools");
if(T){const b=document.createElement("button");b.type="button";b.className="theme";const l=()=>{b.textContent=D()?"Light theme":"Dark theme";b.setAttribute("aria-label",D()?"Switch to the light theme":"Switch to the dark theme")};b.onclick=()=>{R.dataset.theme=D()?"light":"dark";try{localStorage.setItem("${themeKey}",R.dataset.theme)}catch{}l()};M.addEventListener("change",l);l();T.append(b)}
for(const p of document.querySelectorAll("pre.code")){const b=document.createElement("button");b.type="button";b.className="copy";b.textContent="Copy";b.onclick=async()=>{try{await navigator.clipboard.writeText(p.querySelector("code").textContent);b.textContent="Copied"}catch{b.textContent="Select the text to copy"}setTimeout(()=>{b.textContent="Copy"},2e3)};p.classList.add("has-copy");p.append(b)}`,
  diagram: `for(const i of document.querySelectorAll(".output.svg img")){const b=document.createElement("button");b.type="button";b.className="full";b.textContent="Open the picture alone, full size";b.onclick=()=>{const s=decodeURIComponent(i.src.slice(i.src.indexOf(",")+1));open(URL.createObjectURL(new Blob([s],{type:"image/svg+xml"})),"_blank")};i.parentElement.before(b)}`,
  toc: `const C=document.querySelector("details.toc");
if(C){if(matchMedia("(min-width: 60rem)").matches)C.open=true;const L=new Map([...C.querySelectorAll("a")].map(a=>[decodeURIComponent(a.hash.slice(1)),a])),H=[...L.keys()].map(i=>document.getElementById(i)).filter(Boolean),m=()=>{let c;for(const h of H)if(h.getBoundingClientRect().top<80)c=h;for(const a of L.values())a.removeAttribute("aria-current");if(c)L.get(c.id).setAttribute("aria-current","true")};addEventListener("scroll",m,{passive:true});m()}`,
};

const assembled = new Map<string, string>();

/**
 * The script a page carries: the parts it needs (the diagram button only with a diagram, the
 * contents' code only with contents), in one block scope.
 */
export function pageScriptFor(needs: { diagram?: boolean; toc?: boolean } = {}): string {
  const key = `${needs.diagram ? "d" : ""}${needs.toc ? "t" : ""}`;
  let code = assembled.get(key);
  if (code === undefined) {
    const parts = [
      scriptParts.common,
      needs.diagram ? scriptParts.diagram : "",
      needs.toc ? scriptParts.toc : "",
    ];
    code = `{${parts.filter((part) => part !== "").join("\n")}}`;
    assembled.set(key, code);
  }
  return code;
}

/** The whole script (every part), as a page with a diagram and contents carries it. */
export const pageScript = pageScriptFor({ diagram: true, toc: true });

/** Kept for callers of the earlier API: the page's script. */
export const copyScript = pageScript;

const hash = (script: string) => `'sha256-${createHash("sha256").update(script).digest("base64")}'`;

/**
 * No script but ours, nothing loaded from anywhere: images only from data: URIs, styles only inline
 * (the page's own and sanitized style attributes), no forms, no <base>. `extraScripts` are further
 * inline scripts a page carries (the search page's).
 */
export function pagePolicy(extraScripts: readonly string[] = [], script = pageScript): string {
  return [
    "default-src 'none'",
    "img-src data: blob:",
    "style-src 'unsafe-inline'",
    `script-src ${[themeScript, script, ...extraScripts].map(hash).join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export const contentSecurityPolicy = pagePolicy();

/** A link that opens this lesson somewhere it runs (Binder, a JupyterHub). */
export interface LaunchLink {
  href: string;
  title: string;
}

/**
 * Renders a complete HTML page.
 */
export function renderPage(options: PageOptions): string {
  const { title, courseTitle, body, edition, toc = [], index, prev, next, source } = options;
  const pager = renderPager(index, prev, next);
  const fullTitle = title === courseTitle ? title : `${title} · ${courseTitle}`;
  const search = options.search
    ? `<a href="${escapeHtml(options.search.href)}">${escapeHtml(options.search.title)}</a>`
    : "";
  // The theme button is added here by the page's script: without JavaScript it could not work.
  const header = `<header class="site"><a class="skip" href="#content">Skip to the content</a>${pager}<div class="tools">${search}</div></header>`;
  const footer = pager === "" ? "" : `<footer class="foot">${pager}</footer>\n`;
  const diagram = body.includes('class="output image svg"');
  const script = pageScriptFor({ diagram, toc: toc.length > 0 });
  const css = [
    pageCss,
    diagram ? diagramCss : "",
    body.includes('class="ansi-') ? ansiCss : "",
    options.scripts ? searchCss : "",
  ]
    .filter((part) => part !== "")
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${pagePolicy(
    options.scripts?.map((s) => s.code),
    script,
  )}">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="sockets-course handouts (${edition} edition)">
<title>${escapeHtml(fullTitle)}</title>
<script>${themeScript}</script>
<style>
${css}
</style>
</head>
<body>
${header}
<div class="layout${toc.length > 0 ? " has-toc" : ""}">
${renderToc(toc)}<main id="content">
${source ? renderSource(edition, source, options.launch ?? [], options.repository) : ""}${body}
</main>
</div>
${footer}<script>${script}</script>
${(options.scripts ?? []).map((s) => `<script>${s.code}</script>\n`).join("")}</body>
</html>
`;
}

function renderSource(
  edition: Edition,
  source: PageLink,
  launch: LaunchLink[],
  repository?: string,
): string {
  const name = edition === "student" ? "Student" : "Instructor";
  // The notebook alone cannot run: it imports the helper from the course folder.
  const folder = repository
    ? `<a href="${escapeHtml(repository)}">the course folder</a>`
    : "the course folder";
  const runs = launch
    .map((link) => ` · <a href="${escapeHtml(link.href)}">${escapeHtml(link.title)}</a>`)
    .join("");
  return `<p class="source">${name} edition · notebook: <a href="${escapeHtml(source.href)}" download>${escapeHtml(source.title)}</a> (it needs ${folder}: it imports <code>./src/index</code>)${runs}</p>\n`;
}

function renderPager(index?: PageLink, prev?: PageLink, next?: PageLink): string {
  if (!index && !prev && !next) return "";
  const link = (page: PageLink | undefined, rel: string, text: (title: string) => string) =>
    page
      ? `<a rel="${rel}" href="${escapeHtml(page.href)}">${escapeHtml(text(page.title))}</a>`
      : "";
  return `<nav class="pager" aria-label="Lessons">${link(index, "index", (t) => t)}${link(prev, "prev", (t) => `← ${t}`)}${link(next, "next", (t) => `${t} →`)}</nav>`;
}

/** The contents, folded on narrow screens (the script opens them on wide ones). */
function renderToc(toc: TocEntry[]): string {
  if (toc.length === 0) return "";
  const items = toc
    .map(
      (entry) =>
        `<li class="l${entry.level}"><a href="#${escapeHtml(entry.slug)}">${escapeHtml(entry.title)}</a></li>`,
    )
    .join("\n");
  return `<details class="toc"><summary>Contents</summary>\n<nav aria-label="Contents">\n<ol>\n${items}\n</ol>\n</nav>\n</details>\n`;
}
