import { createHash } from "node:crypto";

import { describe, expect, test } from "vitest";

import {
  contentSecurityPolicy,
  pageScriptFor,
  renderPage,
  themeScript,
} from "../../scripts/handouts/page";

const lesson = () =>
  renderPage({
    title: "03. The server side",
    courseTitle: "Sockets course",
    body: "<p>body</p>",
    edition: "student",
    toc: [
      { level: 2, slug: "step-1-bind", title: "Step 1: bind" },
      { level: 3, slug: "details", title: "Details <b>" },
    ],
    index: { href: "index.html", title: "All lessons" },
    prev: { href: "02_socket.html", title: "02. Creating a socket" },
    next: { href: "04_client.html", title: "04. The client side" },
    source: { href: "03_server.ipynb", title: "03_server.ipynb" },
  });

describe("renderPage", () => {
  test("allows exactly the page's own two scripts, by their hashes, and nothing from the network", () => {
    const hash = (code: string) => createHash("sha256").update(code).digest("base64");
    const script = pageScriptFor({ toc: true });
    const policy = `default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; script-src 'sha256-${hash(themeScript)}' 'sha256-${hash(script)}'; base-uri 'none'; form-action 'none'`;
    expect(contentSecurityPolicy).toContain("script-src 'sha256-");
    const html = lesson();
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${policy}">`);
    expect(html).toContain(`<head>\n<meta charset="utf-8">`);
    expect(html).toContain(`<script>${themeScript}</script>\n<style>`);
    expect(html).toContain(`<script>${script}</script>`);
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  test("links the index, the previous and the next lesson, above and below the lesson", () => {
    const html = lesson();
    const pager =
      '<nav class="pager" aria-label="Lessons"><a rel="index" href="index.html">All lessons</a><a rel="prev" href="02_socket.html">← 02. Creating a socket</a><a rel="next" href="04_client.html">04. The client side →</a></nav>';
    expect(html).toContain(
      `<header class="site"><a class="skip" href="#content">Skip to the content</a>${pager}<div class="tools"></div></header>`,
    );
    expect(html).toContain(`<footer class="foot">${pager}</footer>`);
  });

  test("lists the contents, folded until the script opens them on a wide screen, and escapes their titles", () => {
    expect(lesson()).toContain('<details class="toc"><summary>Contents</summary>');
    expect(lesson()).toContain(
      '<ol>\n<li class="l2"><a href="#step-1-bind">Step 1: bind</a></li>\n<li class="l3"><a href="#details">Details &lt;b&gt;</a></li>\n</ol>',
    );
  });

  test("names the edition, links the notebook the page was made from and says what it needs", () => {
    expect(lesson()).toContain(
      '<p class="source">Student edition · notebook: <a href="03_server.ipynb" download>03_server.ipynb</a> (it needs the course folder: it imports <code>./src/index</code>)</p>',
    );
  });

  test("links the course's repository as what the notebook needs, when one is configured", () => {
    const html = renderPage({
      title: "T",
      courseTitle: "C",
      body: "",
      edition: "student",
      source: { href: "t.ipynb", title: "t.ipynb" },
      repository: "https://github.com/o/r",
    });
    expect(html).toContain(
      '(it needs <a href="https://github.com/o/r">the course folder</a>: it imports <code>./src/index</code>)',
    );
  });

  test("links where the lesson runs only when given, and the search page", () => {
    const html = renderPage({
      title: "T",
      courseTitle: "C",
      body: "",
      edition: "student",
      source: { href: "t.ipynb", title: "t.ipynb" },
      launch: [{ href: "https://mybinder.org/v2/gh/o/r/main", title: "Open in Binder" }],
      search: { href: "search.html", title: "Search" },
    });
    expect(html).toContain(
      ' · <a href="https://mybinder.org/v2/gh/o/r/main">Open in Binder</a></p>',
    );
    expect(html).toContain('<div class="tools"><a href="search.html">Search</a></div>');
    expect(lesson()).not.toContain("Binder");
  });

  test("escapes the title", () => {
    const html = renderPage({
      title: "</title><script>",
      courseTitle: "C",
      body: "",
      edition: "instructor",
    });
    expect(html).toContain("<title>&lt;/title&gt;&lt;script&gt; · C</title>");
  });

  test("wraps code and outputs, indenting each wrapped part of a line, on screen and in print", () => {
    const html = lesson();
    expect(html).toContain(
      "white-space:pre-wrap;overflow-wrap:anywhere;text-indent:4ch hanging each-line",
    );
  });

  test("has a print stylesheet that is light, hides navigation, keeps headings with what follows and lets long cells break", () => {
    const html = lesson();
    expect(html).toMatch(
      /@media print\{\n:root,:root\[data-theme\]\{color-scheme:light\}\n\.site,\.foot,\.toc,\.copy,\.anchor,\.skip\{display:none!important\}/,
    );
    expect(html).toContain("h1,h2,h3,h4{break-after:avoid}");
    expect(html).not.toContain(".cell,pre,img,tr{break-inside:avoid}");
  });

  test("follows the reader's theme choice, else the system setting, with each colour given once for both", () => {
    expect(lesson()).toContain("--bg:light-dark(#fff,#0d1117)");
    expect(lesson()).toContain(":root[data-theme=dark]{color-scheme:dark}");
  });
});
