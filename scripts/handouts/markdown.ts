/**
 * Markdown cells to HTML with markdown-it: heading anchors for the table of contents, fenced code
 * highlighted at build time, links between lessons pointed at their handouts, attachments inlined,
 * and raw HTML sanitized.
 */
import MarkdownIt, { type RendererRule, type StateCore, type Token } from "markdown-it";
import anchor from "markdown-it-anchor";
import { joinSource, type MimeBundle } from "../notebook";
import { escapeHtml, escapeText } from "./escape";
import { type Highlighter, hangIndentedLines } from "./highlight";
import { imageDataUri, localImageDataUri } from "./images";
import { type Sanitizer, TooComplexError } from "./sanitize";

/** A heading of the page, for its table of contents. */
export interface TocEntry {
  level: number;
  slug: string;
  title: string;
}

/**
 * What one page's markdown cells share: anchor slugs stay unique across cells, and the headings
 * of every cell collect into one table of contents.
 */
export interface PageEnv {
  toc: TocEntry[];
  /**
   * The course's lessons by number ("04" -> "04_client_side.html"): "lesson 04" in the text
   * becomes a link to that page.
   */
  lessons?: ReadonlyMap<string, string>;
  /** markdown-it-anchor keeps the slugs it has handed out here. */
  markdownItAnchor?: unknown;
}

/**
 * How one markdown cell is rendered: its attachments, its notebook's folder (for relative images),
 * whether its headings join the page's contents.
 */
export interface RenderOptions {
  attachments?: Record<string, MimeBundle>;
  folder?: string;
  toc?: boolean;
}

/** The markdown renderer of one build (markdown-it with our rules), shared by every cell. */
export interface Markdown {
  /**
   * Renders one markdown cell. Headings of levels 2 and 3 are added to `env.toc` unless
   * `options.toc` is false (markdown printed by code, for example). Images given by a relative
   * path are read from `options.folder` (the notebook's folder) and embedded.
   */
  render(source: string, env: PageEnv, options?: RenderOptions): string;
  /** The parsed tokens of a markdown text (used to read a lesson's title and summary). */
  parse(source: string): Token[];
  /** One line of markdown as inline HTML (no paragraph), escaped as everywhere else. */
  renderInline(source: string): string;
}

/** Anchors that read well in a URL: "Step 1: bind" becomes "step-1-bind". */
export function slugify(text: string): string {
  const slug = text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s+/g, "-")
    .slice(0, 80);
  return slug === "" ? "section" : slug;
}

/**
 * Creates the course's markdown renderer.
 */
export function createMarkdown(options: {
  highlighter: Highlighter;
  sanitizer: Sanitizer;
}): Markdown {
  const { highlighter, sanitizer } = options;
  // html: true because Jupyter renders raw HTML in markdown; the result is sanitized below.
  const md = new MarkdownIt({ html: true, linkify: true });
  md.use(anchor, {
    level: [1, 2, 3, 4],
    slugify,
    tabIndex: false,
    permalink: anchor.permalink.linkInsideHeader({
      symbol: "#",
      placement: "after",
      ariaHidden: true,
      class: "anchor",
      // Hidden from assistive technology, so out of the keyboard's way too.
      renderAttrs: () => ({ tabindex: "-1" }),
    }),
  });
  md.core.ruler.push("lesson_links", lessonReferences);
  const inline = new MarkdownIt({ html: false, linkify: true });
  // A wide table scrolls inside its own box instead of widening the page.
  md.renderer.rules.table_open = () => '<div class="table">\n<table>\n';
  md.renderer.rules.table_close = () => "</table>\n</div>\n";

  md.renderer.rules.fence = (tokens, index) => {
    const token = tokens[index];
    const language = token.info.trim().split(/\s+/)[0] ?? "";
    return `<pre class="code"><code>${hangIndentedLines(highlighter.highlight(token.content.replace(/\n$/, ""), language))}</code></pre>\n`;
  };
  md.renderer.rules.code_block = (tokens, index) =>
    `<pre class="code"><code>${hangIndentedLines(escapeText(tokens[index].content.replace(/\n$/, "")))}</code></pre>\n`;

  const renderLinkOpen = md.renderer.rules.link_open ?? defaultRule;
  md.renderer.rules.link_open = (tokens, index, opts, env, self) => {
    const href = tokens[index].attrGet("href");
    if (typeof href === "string") tokens[index].attrSet("href", lessonLink(href));
    return renderLinkOpen(tokens, index, opts, env, self);
  };

  const renderImage = md.renderer.rules.image ?? defaultRule;
  md.renderer.rules.image = (tokens, index, opts, env, self) => {
    const token = tokens[index];
    const src = String(token.attrGet("src") ?? "");
    const { attachments, folder } = (env ?? {}) as RenderOptions;
    let uri: string | undefined = src;
    if (src.startsWith("attachment:")) {
      uri = attachmentUri(src.slice("attachment:".length), attachments, sanitizer);
    } else if (!src.startsWith("data:")) {
      // A handout is one file: a relative image is embedded, anything else would be a request.
      uri =
        isRelative(src) && folder !== undefined
          ? localImageDataUri(src, folder, sanitizer)
          : undefined;
    }
    if (uri === undefined)
      return `<span class="missing">(image not included: ${escapeHtml(src)})</span>`;
    token.attrSet("src", uri);
    return renderImage(tokens, index, opts, env, self);
  };

  return {
    parse: (source) => md.parse(source, {}),
    // Without raw HTML (shown as text), so nothing here needs the sanitizer.
    renderInline: (source) => inline.renderInline(source),
    render(source, env, renderOptions = {}) {
      const renderEnv = {
        ...env,
        lessons: env.lessons,
        attachments: renderOptions.attachments,
        folder: renderOptions.folder,
      };
      const tokens = md.parse(source, renderEnv);
      // markdown-it-anchor records slugs in the env it is given: carry them back to the page.
      env.markdownItAnchor = (renderEnv as PageEnv).markdownItAnchor;
      if (renderOptions.toc !== false) env.toc.push(...headings(tokens));
      const html = md.renderer.render(tokens, md.options, renderEnv);
      // markdown-it escapes text and refuses javascript: links by itself; only raw HTML can bring
      // in markup, so only cells with raw HTML go through the (slow to load) sanitizer.
      if (!hasRawHtml(tokens)) return html;
      try {
        return sanitizer.html(html);
      } catch (error) {
        if (!(error instanceof TooComplexError)) throw error;
        // Still readable: the cell's text, escaped, with the reason it is not rendered.
        return `<p class="note">(this cell's HTML is ${escapeHtml(error.message)}; its source follows)</p>\n<pre class="code"><code>${escapeText(source)}</code></pre>\n`;
      }
    },
  };
}

/**
 * "lesson 04", "Lesson 08's", "lessons 03 and 06" in prose become links to those lessons' pages
 * (never inside a link, code or a heading: a heading's anchor is its own link).
 */
function lessonReferences(state: StateCore): void {
  const lessons = (state.env as Partial<PageEnv> | undefined)?.lessons;
  if (!lessons || lessons.size === 0) return;
  let inHeading = false;
  for (const block of state.tokens) {
    if (block.type === "heading_open") inHeading = true;
    if (block.type === "heading_close") inHeading = false;
    if (block.type !== "inline" || inHeading || !block.children) continue;
    const children: Token[] = [];
    let linkDepth = 0;
    for (const token of block.children) {
      if (token.type === "link_open") linkDepth++;
      if (token.type === "link_close") linkDepth--;
      if (token.type !== "text" || linkDepth > 0 || !/\blessons?\s+\d\d\b/i.test(token.content)) {
        children.push(token);
        continue;
      }
      children.push(...linkLessonNumbers(state, token.content, lessons));
    }
    block.children = children;
  }
}

function linkLessonNumbers(
  state: StateCore,
  text: string,
  lessons: ReadonlyMap<string, string>,
): Token[] {
  const out: Token[] = [];
  const textToken = (content: string) => {
    if (content === "") return;
    const token = new state.Token("text", "", 0);
    token.content = content;
    out.push(token);
  };
  // "lesson 04", and the numbers that follow it in a list: "lessons 03, 05 and 06".
  const phrase = /\b(lessons?\s+)(\d\d(?:(?:,\s*|\s+and\s+|\s+or\s+)\d\d)*)\b/gi;
  let last = 0;
  const link = (page: string, content: string) => {
    const open = new state.Token("link_open", "a", 1);
    open.attrSet("href", page);
    out.push(open);
    textToken(content);
    out.push(new state.Token("link_close", "a", -1));
  };
  for (const match of text.matchAll(phrase)) {
    const start = match.index ?? 0;
    // One lesson: the whole "lesson 04" is the link, a target larger than two digits.
    const single = /^\d\d$/.test(match[2]) ? lessons.get(match[2]) : undefined;
    if (single !== undefined) {
      textToken(text.slice(last, start));
      link(single, match[0]);
      last = start + match[0].length;
      continue;
    }
    textToken(text.slice(last, start) + match[1]);
    let at = 0;
    for (const number of match[2].matchAll(/\d\d/g)) {
      const offset = number.index ?? 0;
      textToken(match[2].slice(at, offset));
      const page = lessons.get(number[0]);
      if (page === undefined) textToken(number[0]);
      else link(page, number[0]);
      at = offset + 2;
    }
    textToken(match[2].slice(at));
    last = start + match[0].length;
  }
  textToken(text.slice(last));
  return out;
}

const defaultRule: RendererRule = (tokens, index, options, _env, self) =>
  self.renderToken(tokens, index, options);

/** `03_server.ipynb#step-1` -> `03_server.html#step-1`: the handout of the lesson linked to. */
export function lessonLink(href: string): string {
  return isRelative(href) ? href.replace(/\.ipynb(?=$|[?#])/, ".html") : href;
}

/** A path relative to the page: no scheme ("https:"), no host ("//host"), not absolute ("/x"). */
function isRelative(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith("/") && !url.startsWith("\\");
}

function attachmentUri(
  name: string,
  attachments: Record<string, MimeBundle> | undefined,
  sanitizer: Sanitizer,
): string | undefined {
  const bundle = attachments && Object.hasOwn(attachments, name) ? attachments[name] : undefined;
  if (!bundle) return undefined;
  for (const [mime, data] of Object.entries(bundle)) {
    if (typeof data !== "string" && !Array.isArray(data)) continue;
    const uri = imageDataUri(mime, joinSource(data), sanitizer);
    if (uri !== undefined) return uri;
  }
  return undefined;
}

function headings(tokens: Token[]): TocEntry[] {
  const found: TocEntry[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const level = Number(token.tag.slice(1));
    if (token.type !== "heading_open" || level < 2 || level > 3) continue;
    const slug = token.attrGet("id");
    if (typeof slug === "string")
      found.push({ level, slug, title: plainText(tokens[i + 1]).trim() });
  }
  return found;
}

/** The visible text of an inline token (text and `code`), without markup. */
export function plainText(inline: Token | undefined): string {
  if (!inline?.children) return inline?.content ?? "";
  return inline.children
    .filter((child) => child.type === "text" || child.type === "code_inline")
    .map((child) => child.content)
    .join("");
}

function hasRawHtml(tokens: Token[]): boolean {
  for (const token of tokens) {
    if (token.type === "html_block") return true;
    for (const child of token.children ?? []) {
      // The heading permalink symbol is ours, not the author's.
      if (child.type === "html_inline" && !child.meta?.isPermalinkSymbol) return true;
    }
  }
  return false;
}
