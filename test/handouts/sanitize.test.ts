import { describe, expect, test } from "vitest";

import {
  checkComplexity,
  createSanitizer,
  maxElements,
  maxNesting,
  TooComplexError,
} from "../../scripts/handouts/sanitize";

const sanitizer = createSanitizer();

/** What in a sanitized fragment could run script or load something, by name. */
function dangerIn(html: string): string[] {
  const found: string[] = [];
  if (/<script/i.test(html)) found.push("script element");
  if (/<(iframe|object|embed|meta|base|link|style|form|input|button|foreignobject)\b/i.test(html)) {
    found.push("forbidden element");
  }
  if (/\son[a-z]+\s*=/i.test(html)) found.push("event handler attribute");
  if (/javascript:|vbscript:/i.test(html)) found.push("script URL");
  if (/https?:\/\/[^"]*\.(png|css)|url\(/i.test(html)) found.push("remote resource");
  return found;
}

describe("sanitizer.html", () => {
  const hostile: [what: string, html: string][] = [
    ["a script element", "<p>hi</p><script>alert(1)</script>"],
    ["an onerror attribute", '<img src="x" onerror="alert(1)">'],
    ["an onclick attribute", '<b onclick="alert(1)">b</b>'],
    ["a javascript: link", '<a href="javascript:alert(1)">x</a>'],
    ["an entity-encoded javascript: link", '<a href="&#106;avascript:alert(1)">x</a>'],
    ["an iframe with srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
    ["object and embed", '<object data="x.swf"></object><embed src="x.swf">'],
    [
      "a meta refresh and a base",
      '<meta http-equiv="refresh" content="0;url=https://e.org"><base href="https://e.org/">',
    ],
    [
      "a stylesheet link and a style element",
      '<link rel="stylesheet" href="https://e.org/x.css"><style>body{display:none}</style>',
    ],
    ["a form", '<form action="https://e.org"><input name="q"><button>go</button></form>'],
    ["an svg with onload and script", '<svg onload="alert(1)"><script>alert(1)</script></svg>'],
    ["svg foreignObject", "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>"],
    [
      "an svg animate to a javascript: href",
      '<svg><a><animate attributeName="href" to="javascript:alert(1)"/><text>t</text></a></svg>',
    ],
    ["a remote image", '<img src="https://e.org/track.png">'],
    ["a remote srcset", '<img srcset="https://e.org/a.png 2x">'],
    ["a style attribute loading a url", '<div style="background:url(https://e.org/t.png)">x</div>'],
    [
      "a style attribute spelling url with escapes",
      '<div style="background:u\\72l(https://e.org/t.png)">x</div>',
    ],
    [
      "mutation XSS through math and style",
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    ],
    ["an svg image from the network", '<svg><image href="https://e.org/t.png"/></svg>'],
  ];

  test.each(hostile)("removes %s", (_what, html) => {
    expect(dangerIn(sanitizer.html(html))).toEqual([]);
  });

  test("keeps ordinary markup, links a reader clicks, and data: images", () => {
    const html =
      '<table><tr><td><code>127.0.0.1:50001</code></td></tr></table><a href="https://example.org">docs</a><img src="data:image/png;base64,iVBORw0KGgo=" alt="x"><details open><summary>more</summary>text</details>';
    const clean = sanitizer.html(html);
    expect(clean).toContain("<code>127.0.0.1:50001</code>");
    expect(clean).toContain('<a href="https://example.org">docs</a>');
    expect(clean).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(clean).toContain("<summary>more</summary>");
  });

  test("keeps a style attribute that loads nothing (ANSI colours, table alignment)", () => {
    expect(sanitizer.html('<span style="color:rgb(255,135,0)">1</span>')).toBe(
      '<span style="color:rgb(255,135,0)">1</span>',
    );
  });

  test("drops a relative image: a handout is a single file", () => {
    expect(sanitizer.html('<img src="images/ports.png" alt="p">')).toBe('<img alt="p">');
  });
});

describe("sanitizer.svg", () => {
  test("returns standalone SVG XML with its namespace, without scripts or foreign objects", () => {
    const svg = sanitizer.svg(
      '<?xml version="1.0"?><svg width="10" height="10" onload="alert(1)"><script>alert(1)</script><foreignObject><div>x</div></foreignObject><rect width="5" height="5"/></svg>',
    );
    expect(svg).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>',
    );
  });

  test("keeps an SVG's own style element: inside an image it cannot touch the page", () => {
    expect(
      sanitizer.svg("<svg><style>text{font:12px sans-serif}</style><text>hi</text></svg>"),
    ).toContain("<style>text{font:12px sans-serif}</style>");
  });

  test("returns undefined when there is no svg element", () => {
    expect(sanitizer.svg("<script>alert(1)</script>")).toBeUndefined();
    expect(sanitizer.svg("just text")).toBeUndefined();
  });
});

describe("limits", () => {
  test("refuses markup nested deeper than the limit, before any parsing", () => {
    expect(() => sanitizer.html("<div>".repeat(maxNesting + 1))).toThrow(TooComplexError);
    expect(() => sanitizer.svg(`<svg>${"<g>".repeat(100_000)}</svg>`)).toThrow(
      /nested more than 256 elements deep/,
    );
  });

  test("refuses more elements than the limit", () => {
    expect(() => checkComplexity("<b>x</b>".repeat(maxElements + 1))).toThrow(
      /more than 20000 elements/,
    );
  });

  test("accepts wide but shallow markup, and end tags that HTML lets authors leave out", () => {
    expect(() => checkComplexity("<br>".repeat(5_000))).not.toThrow();
    expect(() => checkComplexity(`<table>${"<tr><td>1<td>2".repeat(1_000)}</table>`)).not.toThrow();
    expect(() => checkComplexity(`<ul>${"<li>item".repeat(1_000)}</ul>`)).not.toThrow();
    expect(() => checkComplexity(`<svg>${"<rect/>".repeat(1_000)}</svg>`)).not.toThrow();
  });
});
