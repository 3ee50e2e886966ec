import path from "node:path";

import { beforeAll, describe, expect, test } from "vitest";

import { createHighlighter } from "../../scripts/handouts/highlight";
import {
  createMarkdown,
  lessonLink,
  type Markdown,
  type PageEnv,
  slugify,
} from "../../scripts/handouts/markdown";
import { createSanitizer } from "../../scripts/handouts/sanitize";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/handouts");
let markdown: Markdown;
beforeAll(async () => {
  markdown = createMarkdown({
    highlighter: await createHighlighter(),
    sanitizer: createSanitizer(),
  });
});

const freshEnv = (): PageEnv => ({ toc: [] });

describe("markdown.render", () => {
  test("gives headings anchors (out of the keyboard's way, as they are hidden from screen readers) and collects levels 2 and 3 for the contents", () => {
    const env = freshEnv();
    const html = markdown.render(
      "# 03. Title\n\n## Step 1: bind\n\n### Details\n\n#### Deeper",
      env,
    );
    expect(html).toContain(
      '<h2 id="step-1-bind">Step 1: bind <a class="anchor" href="#step-1-bind" aria-hidden="true" tabindex="-1">#</a></h2>',
    );
    expect(env.toc).toEqual([
      { level: 2, slug: "step-1-bind", title: "Step 1: bind" },
      { level: 3, slug: "details", title: "Details" },
    ]);
  });

  test('links "lesson 04" and the numbers of "lessons 03 and 06" to those lessons\' pages, but not in headings, links or code', () => {
    const env = {
      ...freshEnv(),
      lessons: new Map([
        ["03", "03_server.html"],
        ["04", "04_client.html"],
        ["06", "06_closing.html"],
      ]),
    };
    const html = markdown.render(
      "As lesson 04 showed, and lessons 03 and 06 (not lesson 99).\n\n## Lesson 04\n\n`lesson 04` and [lesson 03](x.html)",
      env,
    );
    expect(html).toContain(
      'As <a href="04_client.html">lesson 04</a> showed, and lessons <a href="03_server.html">03</a> and <a href="06_closing.html">06</a> (not lesson 99).',
    );
    expect(html).toContain('<h2 id="lesson-04">Lesson 04 <a');
    expect(html).toContain('<code>lesson 04</code> and <a href="x.html">lesson 03</a>');
  });

  test("puts a table in a box of its own that scrolls sideways on a narrow screen", () => {
    expect(markdown.render("| a | b |\n| - | - |\n| 1 | 2 |", freshEnv())).toMatch(
      /^<div class="table">\n<table>\n[\s\S]*<\/table>\n<\/div>\n$/,
    );
  });

  test("keeps anchors unique across the cells of one page", () => {
    const env = freshEnv();
    markdown.render("## Summary", env);
    markdown.render("## Summary", env);
    expect(env.toc.map((entry) => entry.slug)).toEqual(["summary", "summary-1"]);
  });

  test("leaves headings out of the contents when asked (markdown printed by code)", () => {
    const env = freshEnv();
    markdown.render("## From an output", env, { toc: false });
    expect(env.toc).toEqual([]);
  });

  test("highlights fenced code at build time", () => {
    const html = markdown.render("```ts\nconst port = 0;\n```", freshEnv());
    expect(html).toBe(
      '<pre class="code"><code><span class=k>const</span> <span class=n>port</span> <span class=k>=</span> <span class=n>0</span>;</code></pre>\n',
    );
  });

  test("points links to other lessons at their handouts", () => {
    const html = markdown.render(
      "[next](04_client.ipynb#step-2) and [site](https://example.org/a.ipynb)",
      freshEnv(),
    );
    expect(html).toContain('<a href="04_client.html#step-2">next</a>');
    expect(html).toContain('<a href="https://example.org/a.ipynb">site</a>');
  });

  test("does not make javascript: links", () => {
    const html = markdown.render(
      '[x](javascript:alert(1)) <a href="javascript:alert(2)">y</a>',
      freshEnv(),
    );
    expect(html).not.toMatch(/href="javascript:/);
  });

  test("sanitizes raw HTML and keeps the harmless part", () => {
    const html = markdown.render(
      '<b onclick="alert(1)">bold</b><script>alert(1)</script>',
      freshEnv(),
    );
    expect(html).toBe("<p><b>bold</b></p>\n");
  });

  test("shows a cell whose HTML is too deeply nested as its escaped source, with the reason", () => {
    const source = `${"<div>".repeat(300)}<img src=x onerror=alert(1)>`;
    const html = markdown.render(source, freshEnv());
    expect(html).toMatch(
      /^<p class="note">\(this cell's HTML is nested more than 256 elements deep/,
    );
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img");
  });

  test("embeds an attachment as a data: image", () => {
    const html = markdown.render("![pic](attachment:a.png)", freshEnv(), {
      attachments: { "a.png": { "image/png": "iVBORw0KGgo=" } },
    });
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" alt="pic">');
  });

  test("embeds an image next to the notebook, and never reads one outside its folder", () => {
    const folder = path.join(fixtures, "course");
    const inside = markdown.render("![p](images/ports.png)", freshEnv(), { folder });
    expect(inside).toMatch(/<img src="data:image\/png;base64,iVBOR[^"]+" alt="p">/);
    const outside = markdown.render("![o](../outside.png)", freshEnv(), { folder });
    expect(outside).toContain('<span class="missing">(image not included: ../outside.png)</span>');
  });

  test("does not fetch remote images", () => {
    const html = markdown.render("![r](https://example.org/x.png)", freshEnv());
    expect(html).toContain("(image not included: https://example.org/x.png)");
    expect(html).not.toContain("<img");
  });
});

describe("slugify and lessonLink", () => {
  test("slugify makes readable anchors and never an empty one", () => {
    expect(slugify("Step 1: bind, listen & accept")).toBe("step-1-bind-listen-accept");
    expect(slugify("Über Sockets")).toBe("über-sockets");
    expect(slugify("!!!")).toBe("section");
  });

  test("lessonLink rewrites only relative .ipynb links", () => {
    expect(lessonLink("03_server.ipynb")).toBe("03_server.html");
    expect(lessonLink("03_server.ipynb?x#y")).toBe("03_server.html?x#y");
    expect(lessonLink("notes.ipynb.txt")).toBe("notes.ipynb.txt");
    expect(lessonLink("https://nbviewer.org/x.ipynb")).toBe("https://nbviewer.org/x.ipynb");
  });
});
