import { beforeAll, describe, expect, test } from "vitest";

import { createHighlighter } from "../../scripts/handouts/highlight";
import { describeLesson, renderIndex } from "../../scripts/handouts/index-page";
import { createMarkdown, type Markdown } from "../../scripts/handouts/markdown";
import { createSanitizer } from "../../scripts/handouts/sanitize";
import type { Notebook } from "../../scripts/notebook";

let markdown: Markdown;
beforeAll(async () => {
  markdown = createMarkdown({
    highlighter: await createHighlighter(),
    sanitizer: createSanitizer(),
  });
});

const notebook = (...sources: [type: "markdown" | "code", source: string][]): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: sources.map(([cell_type, source], i) =>
    cell_type === "code"
      ? { cell_type, id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null }
      : { cell_type, id: `c${i}`, metadata: {}, source },
  ),
});

describe("describeLesson", () => {
  test("reads the title from the first H1 and the summary from the paragraph after it, as plain text and as inline HTML with its code", () => {
    const lesson = notebook([
      "markdown",
      "# 03. The `server` side\n\nBind, **listen** and `accept`, one step at a time.\n\nMore.",
    ]);
    expect(describeLesson(lesson, "03_server", markdown)).toEqual({
      title: "03. The server side",
      summary: "Bind, listen and accept, one step at a time.",
      summaryHtml: "Bind, <strong>listen</strong> and <code>accept</code>, one step at a time.",
    });
  });

  test("finds the summary in the next markdown cell", () => {
    const lesson = notebook(["markdown", "# 04. Client"], ["markdown", "Connect to a server."]);
    expect(describeLesson(lesson, "04_client", markdown).summary).toBe("Connect to a server.");
  });

  test("falls back to the file's name when the lesson has no H1", () => {
    expect(describeLesson(notebook(["code", "1"]), "05_data", markdown)).toEqual({
      title: "05_data",
      summary: "",
      summaryHtml: "",
    });
  });
});

describe("renderIndex", () => {
  test("lists each lesson with its link and summary, escaped", () => {
    const html = renderIndex({
      courseTitle: "Sockets course",
      edition: "student",
      lessons: [
        { href: "01_model.html", title: "01. The <model>", summary: "Clients & servers." },
        { href: "02_socket.html", title: "02. Sockets", summary: "" },
      ],
    });
    expect(html).toContain(
      '<ol class="lessons">\n<li><a href="01_model.html">01. The &lt;model&gt;</a><p>Clients &amp; servers.</p></li>\n<li><a href="02_socket.html">02. Sockets</a></li>\n</ol>',
    );
    expect(html).toContain("Student edition: exercise solutions are left out");
    expect(html).toContain("<title>Sockets course</title>");
  });

  test("shows a summary's inline code as code, and has no empty header or footer", () => {
    const html = renderIndex({
      courseTitle: "Sockets course",
      edition: "instructor",
      lessons: [
        {
          href: "02_socket.html",
          title: "02. Sockets",
          summary: "Call socket(AF_INET).",
          summaryHtml: "Call <code>socket(AF_INET)</code>.",
        },
      ],
    });
    expect(html).toContain("<p>Call <code>socket(AF_INET)</code>.</p>");
    expect(html).not.toContain("<footer");
    expect(html).not.toMatch(/<header[^>]*>\s*<\/header>/);
  });
});
