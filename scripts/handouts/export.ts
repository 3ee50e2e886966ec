/**
 * A set of handouts, built in memory: one page per notebook, the index, and each page's notebook
 * (in the same edition) to download. Nothing is written here; write.ts puts the result in place.
 *
 *   buildHandouts
 *   ├── notebook.ts   read and check each .ipynb
 *   ├── edition.ts    student edition: solutions out
 *   ├── markdown.ts   markdown cells (highlight.ts for fences, sanitize.ts for raw HTML)
 *   ├── highlight.ts  code cells
 *   ├── outputs.ts    outputs (sanitize.ts, images.ts)
 *   ├── page.ts       the page around them
 *   └── index-page.ts the course's index
 */
import path from "node:path";
import {
  type Cell,
  joinSource,
  type Notebook,
  NotebookError,
  readNotebook,
  serializeNotebook,
} from "../notebook";
import {
  cachedHighlighter,
  cachedSanitizer,
  type LazyHighlighter,
  memoryCache,
  type RenderCache,
} from "./cache";
import { type Edition, isHiddenCheckCell, isSolutionCell, studentEdition } from "./edition";
import { escapeHtml } from "./escape";
import { hangIndentedLines } from "./highlight";
import { describeLesson, renderIndex } from "./index-page";
import { type LaunchConfig, launchLinks } from "./launch";
import { createMarkdown, type Markdown, type PageEnv } from "./markdown";
import { renderOutputs } from "./outputs";
import type { LaunchLink } from "./page";
import { type PageLink, renderPage } from "./page";
import { createSanitizer, type Sanitizer, TooComplexError } from "./sanitize";
import { renderSearchPage, type SearchDocument, searchDocuments } from "./search";

/** The libraries a build renders with, created once and shared by every page. */
export interface Renderer {
  highlighter: LazyHighlighter;
  sanitizer: Sanitizer;
  markdown: Markdown;
  cache: RenderCache;
}

/**
 * How a renderer highlights and sanitizes: from a cache when it can, loading shiki and jsdom only
 * when it must.
 */
export interface RendererOptions {
  /** Where highlighted code and sanitized HTML are kept (default: in memory, for this build). */
  cache?: RenderCache;
  /**
   * Load shiki only when a cell misses the cache (buildHandouts then renders a second time).
   * Without it shiki is loaded at once, and renderLesson can be called directly.
   */
  lazy?: boolean;
}

/**
 * Prepares markdown, highlighting and sanitizing (jsdom is loaded on first use).
 */
export async function createRenderer(options: RendererOptions = {}): Promise<Renderer> {
  // Even without a file, identical code or outputs in one build are rendered once.
  const cache = options.cache ?? memoryCache();
  const highlighter = cachedHighlighter(cache);
  if (!options.lazy) await highlighter.load();
  const sanitizer = cachedSanitizer(cache, createSanitizer());
  return { highlighter, sanitizer, markdown: createMarkdown({ highlighter, sanitizer }), cache };
}

export const defaultCourseTitle = "Sockets course";

/** One build of the handouts: which notebooks, which edition, and the course's name and links. */
export interface HandoutsOptions {
  /** Notebook files, in lesson order (previous/next follow this order). */
  files: string[];
  edition: Edition;
  courseTitle?: string;
  /** Binder and JupyterHub links on every page (none when not configured). */
  launch?: LaunchConfig;
}

/** One lesson of a build: the notebook it came from and the page it became. */
export interface LessonPage {
  /** The notebook it came from, as given. */
  file: string;
  /** The page's file name in the output folder. */
  page: string;
  title: string;
  summary: string;
  /** The summary as inline HTML (its `code` kept). */
  summaryHtml: string;
}

/** A whole build, in memory: written to disk at once by writeDirectory, or not at all. */
export interface Handouts {
  /** Output file name -> content: pages, index.html and the notebooks to download. */
  files: Map<string, string | Uint8Array>;
  lessons: LessonPage[];
}

interface LoadedLesson {
  file: string;
  bytes: Uint8Array;
  notebook: Notebook;
  name: string;
}

/**
 * Reads, checks and renders notebooks into a set of handouts, in memory.
 *
 * @throws NotebookError for the first notebook that cannot be used, naming file and cell
 */
export async function buildHandouts(
  options: HandoutsOptions,
  renderer?: Renderer,
): Promise<Handouts> {
  const { files, edition, courseTitle = defaultCourseTitle, launch = {} } = options;
  // Read and check everything before rendering anything: a bad notebook fails the run early.
  const loadedFiles = await Promise.allSettled(files.map(loadLesson));
  // Of several bad notebooks, report the first in lesson order, whichever finished reading first.
  const failed = loadedFiles.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  const lessons = loadedFiles.map(
    (result) => (result as PromiseFulfilledResult<LoadedLesson>).value,
  );
  checkDistinctNames(lessons);
  const loaded = renderer ?? (await createRenderer());
  const output = new Map<string, string | Uint8Array>();
  const described = lessons.map((lesson) => ({
    lesson,
    page: `${lesson.name}.html`,
    ...describeLesson(lesson.notebook, lesson.name, loaded.markdown),
  }));
  const index: PageLink = { href: "index.html", title: "All lessons" };
  const search: PageLink = { href: "search.html", title: "Search" };
  // "lesson 04" in the text links to the lesson whose file name starts with 04.
  const lessonPages = new Map<string, string>();
  for (const { lesson, page } of described) {
    const number = /^(\d\d)_/.exec(lesson.name)?.[1];
    if (number !== undefined && !lessonPages.has(number)) lessonPages.set(number, page);
  }
  const documents: SearchDocument[] = [];
  const renderAll = () => {
    documents.length = 0;
    described.forEach(({ lesson, page, title }, i) => {
      const prev = described[i - 1];
      const next = described[i + 1];
      const notebook =
        edition === "student" ? studentEdition(lesson.notebook, lesson.file) : lesson.notebook;
      const html = renderLesson(loaded, lesson.notebook, {
        file: lesson.file,
        edition,
        edited: notebook,
        title,
        courseTitle,
        index,
        prev: prev && { href: prev.page, title: prev.title },
        next: next && { href: next.page, title: next.title },
        source: { href: `${lesson.name}.ipynb`, title: `${lesson.name}.ipynb` },
        repository: launch.repository,
        search,
        lessons: lessonPages,
        // Binder builds the student editions into dist/student/ (binder/postBuild).
        launch: launchLinks(
          launch,
          edition === "student"
            ? `dist/student/${lesson.name}.ipynb`
            : `notebooks/${lesson.name}.ipynb`,
        ),
      });
      output.set(page, html);
      documents.push(...searchDocuments(page, title, html, documents.length));
      // The downloadable notebook matches the page: a student page never links to the solutions.
      output.set(
        `${lesson.name}.ipynb`,
        edition === "student" ? serializeNotebook(notebook, lesson.file) : lesson.bytes,
      );
    });
  };
  const misses = loaded.highlighter.misses;
  renderAll();
  // Some code was not in the cache: load shiki and render again (rendering itself is quick).
  if (loaded.highlighter.misses > misses) {
    await loaded.highlighter.load();
    renderAll();
  }
  output.set(
    "index.html",
    renderIndex({
      courseTitle,
      edition,
      lessons: described.map(({ page, title, summary, summaryHtml }) => ({
        href: page,
        title,
        summary,
        summaryHtml,
      })),
      search,
    }),
  );
  output.set(
    "search.html",
    await renderSearchPage({ courseTitle, edition, documents, index }, loaded.cache),
  );
  return {
    files: output,
    lessons: described.map(({ lesson, page, title, summary, summaryHtml }) => ({
      file: lesson.file,
      page,
      title,
      summary,
      summaryHtml,
    })),
  };
}

async function loadLesson(file: string): Promise<LoadedLesson> {
  const { notebook, bytes } = await readNotebook(file);
  return { file, bytes, notebook, name: path.basename(file).replace(/\.ipynb$/i, "") };
}

function checkDistinctNames(lessons: LoadedLesson[]): void {
  const seen = new Map<string, string>();
  for (const lesson of lessons) {
    const other = seen.get(lesson.name);
    if (other !== undefined) {
      throw new NotebookError(
        "ERR_NOTEBOOK_FORMAT",
        lesson.file,
        `has the same name as ${other}: their handouts would overwrite each other`,
      );
    }
    seen.set(lesson.name, lesson.file);
  }
}

/**
 * One lesson to render: its file, the edition, and the notebook to show when it is not the file as
 * it is.
 */
export interface LessonOptions {
  file: string;
  edition: Edition;
  /** The notebook to show, when it differs from the original (the student edition). */
  edited?: Notebook;
  title?: string;
  courseTitle?: string;
  index?: PageLink;
  prev?: PageLink;
  next?: PageLink;
  source?: PageLink;
  /** The course's repository: what the downloaded notebook needs, linked (see launch.ts). */
  repository?: string;
  /** The search page, linked from the header. */
  search?: PageLink;
  /** Where the lesson can be opened and run (see launch.ts). */
  launch?: LaunchLink[];
  /** The course's lesson pages by number, for "lesson 04"-style links in the text. */
  lessons?: ReadonlyMap<string, string>;
}

/**
 * Renders one notebook as a complete page.
 *
 * @param notebook the notebook as written (the instructor edition): it tells which cells hold solutions
 * @throws NotebookError naming the cell that could not be rendered
 */
export function renderLesson(
  renderer: Renderer,
  notebook: Notebook,
  options: LessonOptions,
): string {
  const { file, edition } = options;
  const shown =
    options.edited ?? (edition === "student" ? studentEdition(notebook, file) : notebook);
  const language = notebookLanguage(notebook);
  const env: PageEnv = { toc: [], lessons: options.lessons };
  const cells: string[] = [];
  // The student edition leaves hidden checks out: line the remaining cells up with their originals.
  const originals =
    shown.cells.length === notebook.cells.length
      ? notebook.cells
      : notebook.cells.filter((cell) => !isHiddenCheckCell(cell));
  shown.cells.forEach((cell, i) => {
    const location = { index: i + 1, id: cell.id };
    try {
      const solution = isSolutionCell(originals[i]);
      const html = renderCell(renderer, cell, {
        env,
        language,
        edition,
        solution,
        folder: path.dirname(file),
      });
      if (html !== "") cells.push(html);
    } catch (error) {
      if (error instanceof NotebookError) throw error;
      // A cell that passed the checks but broke a renderer: still name the cell, keep the cause.
      throw new NotebookError(
        "ERR_NOTEBOOK_RENDER",
        file,
        `could not be rendered (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})`,
        location,
        { cause: error },
      );
    }
  });
  const title =
    options.title ?? describeLesson(notebook, path.basename(file), renderer.markdown).title;
  return renderPage({
    title,
    courseTitle: options.courseTitle ?? defaultCourseTitle,
    body: cells.join("\n"),
    edition,
    toc: env.toc,
    index: options.index,
    prev: options.prev,
    next: options.next,
    source: options.source,
    repository: options.repository,
    search: options.search,
    launch: options.launch,
  });
}

function renderCell(
  renderer: Renderer,
  cell: Cell,
  context: { env: PageEnv; language: string; edition: Edition; solution: boolean; folder: string },
): string {
  const source = joinSource(cell.source);
  if (cell.cell_type === "markdown") {
    const options = { attachments: cell.attachments, folder: context.folder };
    return `<div class="cell markdown">\n${renderer.markdown.render(source, context.env, options)}</div>`;
  }
  if (cell.cell_type === "raw") return renderRaw(renderer, cell, source, context.env);
  const outputs = renderOutputs(cell.outputs, {
    sanitizer: renderer.sanitizer,
    markdown: (text) => renderer.markdown.render(text, { toc: [] }, { toc: false }),
  });
  if (source.trim() === "" && outputs === "") return "";
  const label = context.solution
    ? `<span class="label">${context.edition === "student" ? "Exercise: write your code in this cell" : "Exercise: reference solution (left out of the student edition)"}</span>\n`
    : "";
  const id = cell.id === undefined ? "" : ` id="cell-${escapeHtml(cell.id)}"`;
  return `<div class="cell code${context.solution ? " solution" : ""}"${id}>
${label}<pre class="code"><code>${hangIndentedLines(renderer.highlighter.highlight(source, context.language))}</code></pre>${outputs === "" ? "" : `\n${outputs}`}
</div>`;
}

/** Raw cells are shown only when they say they are HTML or markdown, as nbconvert does. */
function renderRaw(renderer: Renderer, cell: Cell, source: string, env: PageEnv): string {
  const format = cell.metadata.format ?? cell.metadata.raw_mimetype;
  if (format === "text/html") {
    try {
      return `<div class="cell raw">\n${renderer.sanitizer.html(source)}\n</div>`;
    } catch (error) {
      if (!(error instanceof TooComplexError)) throw error;
      return `<p class="note">(a raw HTML cell ${escapeHtml(error.message)})</p>`;
    }
  }
  if (format === "text/markdown")
    return `<div class="cell raw">\n${renderer.markdown.render(source, env)}</div>`;
  return "";
}

/** The language of the notebook's code cells (tslab: "typescript"). */
function notebookLanguage(notebook: Notebook): string {
  const info = notebook.metadata.language_info as { name?: unknown } | undefined;
  const kernel = notebook.metadata.kernelspec as { language?: unknown } | undefined;
  if (typeof info?.name === "string") return info.name;
  if (typeof kernel?.language === "string") return kernel.language;
  return "typescript";
}
