import { beforeAll, describe, expect, test } from "vitest";

import {
  createHighlighter,
  type Highlighter,
  hangIndentedLines,
} from "../../scripts/handouts/highlight";

let highlighter: Highlighter;
beforeAll(async () => {
  highlighter = await createHighlighter();
});

describe("createHighlighter", () => {
  test("colours TypeScript with GitHub's colours as short classes, no inline styles", () => {
    const html = highlighter.highlight(
      'const port = 0; // any free port\nconsole.log("hi");',
      "ts",
    );
    expect(html).toBe(
      [
        "<span class=k>const</span> <span class=n>port</span> <span class=k>=</span> <span class=n>0</span>; <span class=c>// any free port</span>",
        'console.<span class=f>log</span>(<span class=s>"hi"</span>);',
      ].join("\n"),
    );
  });

  test("gives tokens of one class with only spaces between them a single span", () => {
    expect(highlighter.highlight("nc 127.0.0.1 12345", "bash")).toBe(
      "<span class=f>nc</span> <span class=n>127.0.0.1 12345</span>",
    );
  });

  test("knows the course's languages by their usual names", () => {
    for (const [alias, name] of [
      ["ts", "typescript"],
      ["TypeScript", "typescript"],
      ["js", "javascript"],
      ["sh", "bash"],
      ["console", "bash"],
      ["py", "python"],
      ["json", "json"],
    ]) {
      expect(highlighter.resolve(alias)).toBe(name);
    }
    expect(highlighter.highlight("import socket", "python")).toBe(
      "<span class=k>import</span> socket",
    );
    expect(highlighter.highlight('{"port": 0}', "json")).toContain("<span class=n>0</span>");
  });

  test("shows an unknown language as escaped plain text", () => {
    expect(highlighter.resolve("cobol")).toBeUndefined();
    expect(highlighter.highlight('<b title="x">&</b>', "cobol")).toBe(
      '&lt;b title="x"&gt;&amp;&lt;/b&gt;',
    );
  });

  test("escapes markup inside tokens", () => {
    const html = highlighter.highlight('const s = "</code><script>alert(1)</script>";', "ts");
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;/code&gt;&lt;script&gt;");
  });

  test("gives the same HTML every time for the same code", () => {
    const code =
      'await server.bind(["127.0.0.1", 0]);\nconst [connection] = await server.accept();';
    expect(highlighter.highlight(code, "ts")).toBe(highlighter.highlight(code, "ts"));
  });

  test("leaves a very long line uncoloured instead of spending seconds on it", () => {
    const line = `const data = "${"x".repeat(5000)}";`;
    const html = highlighter.highlight(`${line}\nconst ok = 1;`, "ts");
    expect(html.split("\n")[0]).not.toContain("<span");
    expect(html.split("\n")[1]).toContain("<span class=k>const</span>");
  });
});

describe("hangIndentedLines", () => {
  test("puts each indented line in a block of its indentation, keeping the text and its line breaks", () => {
    const code = "if (a) {\n  <span class=f>go</span>();\n\n      deep();\n}";
    const html = hangIndentedLines(code);
    expect(html).toBe(
      "if (a) {\n<span class=w2>  <span class=f>go</span>();\n</span>\n<span class=w6>      deep();\n</span>}",
    );
    expect(html.replace(/<[^>]*>/g, "")).toBe(code.replace(/<[^>]*>/g, ""));
  });

  test("measures the indentation inside a token's span, and gives a deep one a style", () => {
    expect(hangIndentedLines("<span class=c>  // note</span>")).toBe(
      "<span class=w2><span class=c>  // note</span></span>",
    );
    expect(hangIndentedLines(`${" ".repeat(40)}x`)).toBe(
      `<span class=w style=--i:40>${" ".repeat(40)}x</span>`,
    );
  });
});
