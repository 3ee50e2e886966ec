/**
 * The fixture notebooks exported end to end, compared with expected pages a reviewer can open in a
 * browser (test/fixtures/handouts/expected/). After an intended change, regenerate them with
 * `npx vitest run test/handouts/export.test.ts -u` and read the diff.
 */
import path from "node:path";

import { JSDOM } from "jsdom";
import { beforeAll, describe, expect, test } from "vitest";

import { editions } from "../../scripts/handouts/edition";
import {
  buildHandouts,
  createRenderer,
  type Renderer,
  renderLesson,
} from "../../scripts/handouts/export";
import { pageScriptFor, themeScript } from "../../scripts/handouts/page";
import { joinSource, parseNotebook } from "../../scripts/notebook";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/handouts");
const course = ["01_basics", "02_outputs", "03_exercises"].map((name) =>
  path.join(fixtures, "course", `${name}.ipynb`),
);
const hostile = path.join(fixtures, "hostile", "hostile.ipynb");

let renderer: Renderer;
beforeAll(async () => {
  renderer = await createRenderer();
});

describe.each(editions)("the %s edition of the fixture course", (edition) => {
  test("matches the expected pages", async () => {
    const { files } = await buildHandouts({ files: course, edition }, renderer);
    expect([...files.keys()].sort()).toEqual([
      "01_basics.html",
      "01_basics.ipynb",
      "02_outputs.html",
      "02_outputs.ipynb",
      "03_exercises.html",
      "03_exercises.ipynb",
      "index.html",
      "search.html",
    ]);
    for (const [name, content] of files) {
      if (!name.endsWith(".html")) continue;
      await expect(content).toMatchFileSnapshot(path.join(fixtures, "expected", edition, name));
    }
  });
});

describe("editions", () => {
  test("the student edition leaves solutions out of the pages and the notebooks they link", async () => {
    const { files } = await buildHandouts({ files: course, edition: "student" }, renderer);
    for (const [name, content] of files) {
      const text = typeof content === "string" ? content : Buffer.from(content).toString("utf8");
      expect(text, name).not.toContain("port * 2");
      expect(text, name).not.toContain("toUpperCase");
      expect(text, name).not.toContain("BEGIN SOLUTION");
    }
    const notebook = parseNotebook(files.get("01_basics.ipynb") as string, "01_basics.ipynb");
    const solution = notebook.cells.find((cell) => cell.id === "f01-solution");
    expect(joinSource(solution?.source ?? "")).toContain("// YOUR CODE HERE");
    expect(files.get("01_basics.html")).toContain("Exercise: write your code in this cell");
  });

  test("the instructor edition keeps solutions and their outputs, and links the notebook unchanged", async () => {
    const { files } = await buildHandouts({ files: course, edition: "instructor" }, renderer);
    expect(files.get("01_basics.html")).toContain("port");
    expect(files.get("01_basics.html")).toContain(
      "Exercise: reference solution (left out of the student edition)",
    );
    expect(files.get("01_basics.html")).toContain("PASS: double(21) is 42");
    const original = (await import("node:fs/promises")).readFile(course[0]);
    expect(Buffer.from(files.get("01_basics.ipynb") as Uint8Array)).toEqual(await original);
  });
});

describe("a hostile notebook", () => {
  test("matches its expected page", async () => {
    const { files } = await buildHandouts({ files: [hostile], edition: "instructor" }, renderer);
    await expect(files.get("hostile.html")).toMatchFileSnapshot(
      path.join(fixtures, "expected", "hostile.html"),
    );
  });

  test("cannot run script or load anything: only the page's own script, no handlers, no script URLs, no remote resources", async () => {
    const { files } = await buildHandouts({ files: [hostile], edition: "instructor" }, renderer);
    const { document } = new JSDOM(files.get("hostile.html") as string).window;
    const scripts = [...document.querySelectorAll("script")].map((script) => script.textContent);
    const toc = document.querySelector("details.toc") !== null;
    const diagram = document.querySelector(".output.svg") !== null;
    expect(scripts).toEqual([themeScript, pageScriptFor({ toc, diagram })]);
    const problems: string[] = [];
    for (const element of document.querySelectorAll("*")) {
      const tag = element.localName;
      if (["iframe", "object", "embed", "base", "link", "form", "foreignobject"].includes(tag)) {
        problems.push(`<${tag}>`);
      }
      if (tag === "meta" && element.getAttribute("http-equiv")?.toLowerCase() === "refresh")
        problems.push("meta refresh");
      if (tag === "style" && element.parentElement?.localName !== "head")
        problems.push("<style> in the body");
      for (const { name, value } of element.attributes) {
        if (name.startsWith("on")) problems.push(`${tag}[${name}]`);
        if (/^\s*(javascript|vbscript|data:text)/i.test(value))
          problems.push(`${tag}[${name}=${value}]`);
        const loads = name === "src" || name === "srcset" || (name.endsWith("href") && tag !== "a");
        if (loads && !value.startsWith("data:image/") && !value.startsWith("#")) {
          problems.push(`${tag}[${name}=${value}]`);
        }
        if (name === "style" && /url\(/i.test(value)) problems.push(`${tag}[style=${value}]`);
      }
    }
    expect(problems).toEqual([]);
  });

  test("shows its text as text: markup in outputs and code is escaped", async () => {
    const { files } = await buildHandouts({ files: [hostile], edition: "instructor" }, renderer);
    const html = files.get("hostile.html") as string;
    expect(html).toContain("&lt;script&gt;alert(&#x27;stream&#x27;)&lt;/script&gt;");
    expect(html).toContain("&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;");
  });
});

describe("buildHandouts", () => {
  test("fails on the first bad notebook, naming it, before rendering anything", async () => {
    const bad = path.join(fixtures, "malformed", "bad-source.ipynb");
    await expect(
      buildHandouts({ files: [course[0], bad], edition: "instructor" }, renderer),
    ).rejects.toThrow(
      `${bad}: cell 2 (id "m-bad"): source must be a string or a list of strings, got 42`,
    );
  });

  test("refuses two notebooks with the same name: their pages would collide", async () => {
    await expect(
      buildHandouts(
        {
          files: [course[0], path.join(fixtures, "course", "..", "course", "01_basics.ipynb")],
          edition: "instructor",
        },
        renderer,
      ),
    ).rejects.toThrow(/has the same name as/);
  });

  test("describes each lesson for the index from its own first cell", async () => {
    const { lessons } = await buildHandouts({ files: course, edition: "instructor" }, renderer);
    expect(lessons.map(({ page, title }) => [page, title])).toEqual([
      ["01_basics.html", "01. Basics of a handout"],
      ["02_outputs.html", "02. Every kind of output"],
      ["03_exercises.html", "03. Exercises"],
    ]);
    expect(lessons[0].summary).toBe(
      "A lesson that shows each part of a page: markdown, code and what the code printed.",
    );
  });
});

describe("a lesson with a hidden check", () => {
  test("shows it to the instructor only, and the student page still labels the right exercise cell", () => {
    const notebook = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          ["ex1", ["solution"], "// BEGIN SOLUTION\nconst one = 1;\n// END SOLUTION"],
          ["ex1-hidden", ["hidden-check"], 'await check("secretly one", () => one === 1);'],
          ["ex2", ["solution"], "// BEGIN SOLUTION\nconst two = 2;\n// END SOLUTION"],
        ].map(([id, tags, source]) => ({
          cell_type: "code",
          id,
          metadata: { tags },
          source,
          execution_count: null,
          outputs: [],
        })),
      }),
      "hidden.ipynb",
    );
    const page = (edition: "instructor" | "student") =>
      new JSDOM(renderLesson(renderer, notebook, { file: "hidden.ipynb", edition })).window
        .document;
    expect(page("instructor").body.textContent).toContain("secretly one");
    const student = page("student");
    expect(student.body.textContent).not.toContain("secretly one");
    const labelled = [...student.querySelectorAll(".cell.solution")].map((cell) => cell.id);
    expect(labelled).toEqual(["cell-ex1", "cell-ex2"]);
  });
});
