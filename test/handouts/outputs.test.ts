import { describe, expect, test } from "vitest";
import {
  fixConsole,
  mergeStreams,
  renderOutputs,
  svgMinWidth,
} from "../../scripts/handouts/outputs";
import { createSanitizer } from "../../scripts/handouts/sanitize";
import type { Output } from "../../scripts/notebook";

const context = {
  sanitizer: createSanitizer(),
  markdown: (text: string) => `<p>markdown:${text}</p>`,
};

const stream = (name: string, text: string | string[]): Output => ({
  output_type: "stream",
  name,
  text,
});
const display = (data: Record<string, unknown>, metadata = {}): Output => ({
  output_type: "display_data",
  data,
  metadata,
});

describe("mergeStreams", () => {
  test("merges consecutive chunks of one stream and keeps stdout and stderr apart", () => {
    const merged = mergeStreams([
      stream("stdout", "a\n"),
      stream("stdout", ["b", "\n"]),
      stream("stderr", "warn\n"),
      stream("stdout", "c\n"),
    ]);
    expect(merged).toEqual([
      stream("stdout", "a\nb\n"),
      stream("stderr", "warn\n"),
      stream("stdout", "c\n"),
    ]);
  });
});

describe("renderOutputs", () => {
  test("renders stdout and stderr as separate, escaped blocks", () => {
    expect(
      renderOutputs([stream("stdout", "<b>1</b>\n"), stream("stderr", "oops\n")], context),
    ).toBe(
      '<pre class="output stream stdout">&lt;b&gt;1&lt;/b&gt;\n</pre>\n<pre class="output stream stderr">oops\n</pre>',
    );
  });

  test("turns ANSI colours into classes, not escape codes", () => {
    const html = renderOutputs(
      [stream("stdout", "\u001b[31mred\u001b[0m \u001b[1;32mok\u001b[0m")],
      context,
    );
    expect(html).toBe(
      '<pre class="output stream stdout"><span class="ansi-red-fg">red</span> <span style="font-weight:bold" class="ansi-green-fg">ok</span></pre>',
    );
  });

  test("picks HTML over plain text, as Jupyter does", () => {
    const html = renderOutputs(
      [display({ "text/plain": "table", "text/html": "<table></table>" })],
      context,
    );
    expect(html).toBe('<div class="output html"><table></table></div>');
  });

  test("picks SVG over PNG and shows it as a sanitized data: image, alt text from its title", () => {
    const html = renderOutputs(
      [
        display({
          "image/png": "iVBORw0KGgo=",
          "image/svg+xml": '<svg onload="alert(1)"><rect/></svg>',
        }),
      ],
      context,
    );
    expect(html).toBe(
      `<div class="output image svg"><img src='data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>' alt="output image"></div>`,
    );
    const titled = renderOutputs(
      [
        display({
          "image/svg+xml": "<svg><title>Three clients &amp; one server</title><rect/></svg>",
        }),
      ],
      context,
    );
    expect(titled).toContain('alt="Three clients &amp; one server"');
  });

  test("lets a diagram shrink to its box only as far as its smallest label stays 11 px", () => {
    const html = renderOutputs(
      [
        display({
          "image/svg+xml":
            '<svg xmlns="http://www.w3.org/2000/svg" width="1031.4" height="904" font-size="12"><text font-size="12">a</text></svg>',
        }),
      ],
      context,
    );
    // 1031.4 px at 12 px labels: 946 px wide when they are 11 px.
    expect(html).toContain(' style="min-width:946px"></div>');
    expect(svgMinWidth('<svg width="600"><text style="font-size:10px">a</text></svg>')).toBe(600);
    expect(svgMinWidth('<svg viewBox="0 0 10 10"><text>a</text></svg>')).toBeUndefined();
  });

  test("encodes an SVG's single quotes, so its text cannot leave the single-quoted src attribute", () => {
    const html = renderOutputs(
      [display({ "image/svg+xml": '<svg><text>" onerror="alert(1)\' &amp; #</text></svg>' })],
      context,
    );
    expect(html).toBe(
      `<div class="output image svg"><img src='data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"><text>" onerror="alert(1)%27 %26amp; %23</text></svg>' alt="output image"></div>`,
    );
  });

  test("embeds PNG, JPEG and GIF with the size Jupyter stored", () => {
    const html = renderOutputs(
      [
        display({ "image/png": "iVBORw0K\nGgo=\n" }, { "image/png": { width: 96, height: 48 } }),
        display({ "image/jpeg": "/9j/4AAQ" }),
        display({ "image/gif": "R0lGODlh" }),
      ],
      context,
    );
    expect(html).toContain(
      '<img src="data:image/png;base64,iVBORw0KGgo=" alt="output image" width="96" height="48">',
    );
    expect(html).toContain('src="data:image/jpeg;base64,/9j/4AAQ"');
    expect(html).toContain('src="data:image/gif;base64,R0lGODlh"');
  });

  test("falls back to the next type when an image is not valid base64", () => {
    const html = renderOutputs(
      [display({ "image/png": "not base64!", "text/plain": "fallback" })],
      context,
    );
    expect(html).toBe('<pre class="output text">fallback</pre>');
  });

  test("renders markdown, JSON and LaTeX outputs", () => {
    expect(renderOutputs([display({ "text/markdown": "**hi**" })], context)).toBe(
      '<div class="output markdown"><p>markdown:**hi**</p></div>',
    );
    expect(renderOutputs([display({ "application/json": { a: [1] } })], context)).toBe(
      '<pre class="output json">{\n  "a": [\n    1\n  ]\n}</pre>',
    );
    expect(renderOutputs([display({ "text/latex": "$x<1$" })], context)).toBe(
      '<pre class="output latex">$x&lt;1$</pre>',
    );
  });

  test("never runs JavaScript output and says what it left out", () => {
    expect(renderOutputs([display({ "application/javascript": "alert(1)" })], context)).toBe(
      '<p class="output note">(an output of type application/javascript: not shown in handouts)</p>',
    );
  });

  test("shows an execute_result like a display", () => {
    const result: Output = {
      output_type: "execute_result",
      execution_count: 1,
      data: { "text/plain": "2" },
      metadata: {},
    };
    expect(renderOutputs([result], context)).toBe('<pre class="output text">2</pre>');
  });

  test("renders an error's traceback with its colours, or its name and value when there is none", () => {
    const withTrace: Output = {
      output_type: "error",
      ename: "Error",
      evalue: "boom",
      traceback: ["\u001b[31mError: boom\u001b[39m", "  at <anonymous>"],
    };
    expect(renderOutputs([withTrace], context)).toBe(
      '<pre class="output error"><span class="ansi-red-fg">Error: boom</span>\n  at &lt;anonymous&gt;</pre>',
    );
    const bare: Output = {
      output_type: "error",
      ename: "TypeError",
      evalue: "x is <undefined>",
      traceback: [],
    };
    expect(renderOutputs([bare], context)).toBe(
      '<pre class="output error">TypeError: x is &lt;undefined&gt;</pre>',
    );
  });

  test("cuts a huge stream and says how long it was", () => {
    const html = renderOutputs([stream("stdout", "x".repeat(300_000))], context);
    expect(html).toContain("... (cut here: 300000 characters in all)");
    expect(html.length).toBeLessThan(210_000);
  });

  test("shows JSON nested too deeply to print as plain text instead", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const html = renderOutputs(
      [display({ "application/json": deep, "text/plain": "[[[...]]]" })],
      context,
    );
    expect(html).toBe('<pre class="output text">[[[...]]]</pre>');
  });
});

describe("fixConsole", () => {
  test("keeps the last state of a line rewritten with carriage returns", () => {
    expect(fixConsole("10%\r50%\r100%\ndone\n")).toBe("100%\ndone\n");
    expect(fixConsole("abcdef\rXY")).toBe("XYcdef");
    expect(fixConsole("line\r\nnext")).toBe("line\nnext");
  });

  test("applies backspaces as Jupyter does", () => {
    expect(fixConsole("abc\b\bd")).toBe("ad");
  });

  test("stays fast on a line rewritten a hundred thousand times", () => {
    const text = `${"y".repeat(100_000)}${"\rz".repeat(100_000)}`;
    expect(fixConsole(text)).toBe(`z${"y".repeat(99_999)}`);
  });
});
