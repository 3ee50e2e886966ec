import { createHash } from "node:crypto";

import { describe, expect, test } from "vitest";

import { contentSecurityPolicy, copyScript, renderPage } from "../../scripts/handouts/page";

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
  test("allows exactly the page's own script, by its hash, and nothing from the network", () => {
    const hash = createHash("sha256").update(copyScript).digest("base64");
    expect(contentSecurityPolicy).toBe(
      `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`,
    );
    const html = lesson();
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">`,
    );
    expect(html).toContain(`<script>${copyScript}</script>`);
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  test("links the index, the previous and the next lesson, above and below the lesson", () => {
    const html = lesson();
    const pager =
      '<nav class="pager" aria-label="Lessons"><a rel="index" href="index.html">All lessons</a><a rel="prev" href="02_socket.html">← 02. Creating a socket</a><a rel="next" href="04_client.html">04. The client side →</a></nav>';
    expect(html).toContain(`<header class="site">${pager}</header>`);
    expect(html).toContain(`<footer class="foot">${pager}</footer>`);
  });

  test("lists the contents and escapes their titles", () => {
    expect(lesson()).toContain(
      '<ol>\n<li class="l2"><a href="#step-1-bind">Step 1: bind</a></li>\n<li class="l3"><a href="#details">Details &lt;b&gt;</a></li>\n</ol>',
    );
  });

  test("names the edition and links the notebook the page was made from", () => {
    expect(lesson()).toContain(
      '<p class="source">Student edition · notebook: <a href="03_server.ipynb" download>03_server.ipynb</a></p>',
    );
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

  test("has a print stylesheet that hides navigation and wraps code", () => {
    const html = lesson();
    expect(html).toMatch(
      /@media print\{\n\.site,\.foot,\.toc,\.copy,\.anchor\{display:none!important\}/,
    );
    expect(html).toContain("pre{white-space:pre-wrap;overflow-wrap:anywhere;overflow:visible}");
    expect(html).toContain(".cell,pre,img,tr{break-inside:avoid}");
  });

  test("follows the reader's dark setting on screen only", () => {
    expect(lesson()).toContain("@media screen and (prefers-color-scheme:dark)");
  });
});
