import { describe, expect, test } from "vitest";

import { searchDocuments } from "../../scripts/handouts/search";

describe("searchDocuments", () => {
  test("indexes the words of a section and skips a diagram's SVG source, whose > is not encoded", () => {
    const html = `<main id="content">
<h2 id="step-7">Step 7: the exchange <a class="anchor" href="#step-7" aria-hidden="true" tabindex="-1">#</a></h2>
<p>Read the diagram from the top.</p>
<div class="output image svg"><img src='data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" font-size="12"><title>Three clients</title><text>recv 3 bytes</text></svg>' alt="Three clients" style="min-width:946px"></div>
<p>Each client has a lane.</p>
</main>`;
    const [section] = searchDocuments("08.html", "08. Multiplexing", html, 0);
    expect(section).toMatchObject({ href: "08.html#step-7", section: "Step 7: the exchange" });
    expect(section.text).toBe("Read the diagram from the top. Each client has a lane.");
  });
});
