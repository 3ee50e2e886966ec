/**
 * The course's index page: each lesson's title, its one-line summary and a link to its handout.
 * Title and summary come from the lesson itself (plan/notebooks.md: the first markdown cell is
 * `# NN. Title` followed by a one-paragraph summary), so the index never drifts from the lessons.
 */

import { joinSource, type Notebook } from "../notebook";
import type { Edition } from "./edition";
import { escapeHtml } from "./escape";
import { type Markdown, plainText } from "./markdown";
import { type PageLink, renderPage } from "./page";

/** One lesson as the index page lists it: its page, title and summary. */
export interface LessonEntry {
  href: string;
  title: string;
  summary: string;
  /** The summary as inline HTML; the escaped plain summary when absent. */
  summaryHtml?: string;
}

/**
 * A lesson's title (its first H1) and summary (the first paragraph after it), as plain text.
 * Falls back to the file's name and no summary when the lesson has no H1.
 */
export function describeLesson(
  notebook: Notebook,
  fallbackTitle: string,
  markdown: Markdown,
): { title: string; summary: string; summaryHtml: string } {
  let title: string | undefined;
  for (const cell of notebook.cells) {
    if (cell.cell_type === "code" && title !== undefined) break;
    if (cell.cell_type !== "markdown") continue;
    const tokens = markdown.parse(joinSource(cell.source));
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (title === undefined && token.type === "heading_open" && token.tag === "h1") {
        title = plainText(tokens[i + 1]).trim();
      } else if (title !== undefined && token.type === "paragraph_open") {
        return {
          title: title || fallbackTitle,
          summary: plainText(tokens[i + 1]).trim(),
          summaryHtml: markdown.renderInline(tokens[i + 1].content.trim()),
        };
      }
    }
  }
  return { title: title || fallbackTitle, summary: "", summaryHtml: "" };
}

/**
 * Renders the index page of a set of handouts.
 */
export function renderIndex(options: {
  courseTitle: string;
  edition: Edition;
  lessons: LessonEntry[];
  /** The search page, linked from the header. */
  search?: PageLink;
}): string {
  const { courseTitle, edition, lessons } = options;
  const items = lessons
    .map(
      (lesson) =>
        `<li><a href="${escapeHtml(lesson.href)}">${escapeHtml(lesson.title)}</a>${
          lesson.summary ? `<p>${lesson.summaryHtml ?? escapeHtml(lesson.summary)}</p>` : ""
        }</li>`,
    )
    .join("\n");
  const editionNote =
    edition === "student"
      ? "Student edition: exercise solutions are left out; write yours where a cell says <code>// YOUR CODE HERE</code>."
      : "Instructor edition: exercise solutions included.";
  const body = `<h1>${escapeHtml(courseTitle)}</h1>
<p class="source">${editionNote}</p>
<ol class="lessons">
${items}
</ol>`;
  return renderPage({ title: courseTitle, courseTitle, body, edition, search: options.search });
}
