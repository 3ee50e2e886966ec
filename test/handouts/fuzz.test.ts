/**
 * Exporter fuzz: a few thousand mutated notebooks (cut short, wrong types, deep nesting, huge
 * strings, invalid UTF-8, pathological markdown). Each must give a page or a NotebookError that
 * names the file, never another exception, and every page must still be safe (only the page's
 * own script, no event handlers). Seeded: a failure prints the seed and case to replay it.
 *
 * HANDOUTS_FUZZ_CASES=20000 npx vitest run test/handouts/fuzz.test.ts  runs a longer campaign.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { JSDOM } from "jsdom";
import { beforeAll, expect, test } from "vitest";

import { createRenderer, type Renderer, renderLesson } from "../../scripts/handouts/export";
import { NotebookError, parseNotebook } from "../../scripts/notebook";

const cases = Number(process.env.HANDOUTS_FUZZ_CASES ?? 2000);
const seed = Number(process.env.HANDOUTS_FUZZ_SEED ?? 20261128);
const fixtures = path.resolve(import.meta.dirname, "../fixtures/handouts");
const corpus = ["course", "hostile", "runnable"].flatMap((folder) =>
  readdirSync(path.join(fixtures, folder))
    .filter((name) => name.endsWith(".ipynb"))
    .map((name) => readFileSync(path.join(fixtures, folder, name), "utf8")),
);

/** mulberry32: small, seedable, good enough to pick mutations. */
function random(seedValue: number) {
  let state = seedValue >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const strangeValues: unknown[] = [
  null,
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER,
  true,
  "",
  "x",
  [],
  {},
  [1, "a", null],
  { a: { b: [] } },
  ["line\n", 7],
];

/** A pathological text: huge, deeply nested markdown or HTML, ANSI soup, or random code points. */
function strangeText(r: Random): string {
  // Mostly small, now and then big: big inputs cost the most time per case.
  const n = r.next() < 0.9 ? r.pick([10, 100, 1_000, 10_000]) : r.pick([100_000, 300_000]);
  switch (r.int(10)) {
    case 0:
      return "*".repeat(n);
    case 1:
      return "[".repeat(n) + "](".repeat(r.int(n));
    case 2:
      return `${"> ".repeat(Math.min(n, 100_000))}deep`;
    case 3:
      return `${"<div>".repeat(Math.min(n, 100_000))}<img src=x onerror=alert(1)>`;
    case 4:
      return `${"\u001b[".repeat(n)}31m\u001b]8;;javascript:alert(1)\u0007x`;
    case 5:
      return "- ".repeat(Math.min(n, 50_000)) + "```ts\n".repeat(r.int(100)) + "`".repeat(r.int(n));
    case 6:
      return Array.from({ length: Math.min(n, 20_000) }, () =>
        String.fromCharCode(r.int(0x10000)),
      ).join("");
    case 7:
      return `<svg>${"<g>".repeat(Math.min(n, 50_000))}<script>alert(1)</script></svg>`;
    case 8:
      return "\r".repeat(n) + "\b".repeat(n) + "x\n".repeat(r.int(1000));
    default:
      return `${"a".repeat(n)}\n`.repeat(r.int(5) + 1);
  }
}

/** Every [parent, key] pair in a JSON value, found iteratively (the values may be deep). */
function slots(value: unknown): Array<[Record<string, unknown> | unknown[], string | number]> {
  const found: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const stack: unknown[] = [value];
  while (stack.length > 0 && found.length < 20_000) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      current.forEach((child, i) => {
        found.push([current, i]);
        stack.push(child);
      });
    } else if (typeof current === "object" && current !== null) {
      for (const [key, child] of Object.entries(current)) {
        found.push([current as Record<string, unknown>, key]);
        stack.push(child);
      }
    }
  }
  return found;
}

const nestedJson = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;

/** One mutated notebook: its bytes and what was done to it. */
function mutate(r: Random): { bytes: Uint8Array; what: string } {
  const text = r.pick(corpus);
  const encode = (s: string) => new TextEncoder().encode(s);
  const kind = r.int(8);
  if (kind === 0) {
    const at = r.int(text.length);
    return { bytes: encode(text.slice(0, at)), what: `cut at ${at}` };
  }
  if (kind === 1) {
    const bytes = Buffer.from(text, "utf8");
    const count = 1 + r.int(5);
    for (let i = 0; i < count; i++) bytes[r.int(bytes.length)] = 0x80 + r.int(0x80);
    return { bytes, what: `${count} invalid byte(s)` };
  }
  const notebook = JSON.parse(text);
  const all = slots(notebook);
  const mutations = 1 + r.int(3);
  const done: string[] = [];
  for (let m = 0; m < mutations; m++) {
    const [parent, key] = r.pick(all);
    const action = kind === 2 ? r.int(3) : kind;
    if (action === 0 || action === 2) {
      (parent as Record<string, unknown>)[key] = r.pick(strangeValues);
      done.push(`${String(key)} = strange value`);
    } else if (action === 1 && !Array.isArray(parent)) {
      delete parent[key];
      done.push(`deleted ${key}`);
    } else if (action === 3) {
      (parent as Record<string, unknown>)[key] = strangeText(r);
      done.push(`${String(key)} = strange text`);
    } else if (action === 4) {
      (parent as Record<string, unknown>)[key] = "__DEEP__";
      done.push(`${String(key)} = deep nesting`);
    } else if (action === 5 && Array.isArray(notebook.cells) && notebook.cells.length > 0) {
      const cell = r.pick(notebook.cells as Record<string, unknown>[]);
      notebook.cells = Array.from({ length: 500 }, (_, i) => ({ ...cell, id: `c${i}` }));
      done.push("500 copies of a cell");
    } else if (action === 6) {
      const target = r.pick(Array.isArray(notebook.cells) ? notebook.cells : [notebook]);
      if (target && typeof target === "object") {
        (target as Record<string, unknown>).source = strangeText(r);
        done.push("cell source = strange text");
      }
    } else if (action === 7) {
      const cell: { outputs?: unknown } | undefined = Array.isArray(notebook.cells)
        ? r.pick(notebook.cells)
        : undefined;
      if (cell && typeof cell === "object" && Array.isArray(cell.outputs)) {
        const mime = r.pick([
          "text/html",
          "image/svg+xml",
          "text/markdown",
          "text/plain",
          "application/json",
          "image/png",
        ]);
        cell.outputs.push({
          output_type: "display_data",
          metadata: {},
          data: { [mime]: mime === "application/json" ? "__DEEP__" : strangeText(r) },
        });
        done.push(`${mime} output = strange`);
      }
    }
  }
  const json = JSON.stringify(notebook).replaceAll(
    '"__DEEP__"',
    nestedJson(20_000 + r.int(80_000)),
  );
  return { bytes: encode(json), what: done.join("; ") || "unchanged" };
}

/** Only the page's own script, and no event handler attribute (confirmed with a real parser). */
function unsafeParts(page: string): string[] {
  const problems: string[] = [];
  // The page's own two: the theme choice in <head>, the rest at the end of <body>.
  if (page.split("<script").length !== 3) problems.push("a script element besides the page's own");
  if (/<[^>]*\son[a-z]+\s*=/i.test(page)) {
    const { document } = new JSDOM(page).window;
    for (const element of document.querySelectorAll("*")) {
      for (const { name } of element.attributes) {
        if (name.startsWith("on")) problems.push(`${element.localName}[${name}]`);
      }
    }
  }
  return problems;
}

let renderer: Renderer;
beforeAll(async () => {
  renderer = await createRenderer();
});

test(`${cases} mutated notebooks each give a safe page or a NotebookError, never a crash`, {
  timeout: 600_000,
}, () => {
  const r = random(seed);
  const failures: string[] = [];
  let pages = 0;
  let errors = 0;
  for (let i = 0; i < cases && failures.length < 5; i++) {
    const { bytes, what } = mutate(r);
    const edition = r.pick(["instructor", "student"] as const);
    const file = `fuzz-${i}.ipynb`;
    try {
      const notebook = parseNotebook(bytes, file);
      const page = renderLesson(renderer, notebook, { file, edition });
      const problems = unsafeParts(page);
      if (problems.length > 0)
        failures.push(`case ${i} (${what}): unsafe page: ${problems.join(", ")}`);
      pages++;
    } catch (error) {
      if (error instanceof NotebookError && error.message.startsWith(`${file}: `)) {
        errors++;
      } else {
        failures.push(
          `case ${i} (${what}, ${edition}): ${error instanceof Error ? error.stack : String(error)}`,
        );
      }
    }
  }
  expect(failures, `seed ${seed}`).toEqual([]);
  // Both outcomes occur: the mutations neither all break the notebook nor all leave it valid.
  expect(pages).toBeGreaterThan(cases / 10);
  expect(errors).toBeGreaterThan(cases / 10);
});
