import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as TS from "@tslab/typescript-for-tslab";
import { describe, expect, test } from "vitest";

// The project's TypeScript 7 has no JavaScript API; tslab's 5.0 has preProcessFile, which lists a
// file's import specifiers without those in comments (every @example has one).
const ts: typeof TS = createRequire(import.meta.url)("@tslab/typescript-for-tslab");

const src = path.join(__dirname, "..", "src");

/** Every .ts file under `folder`, as absolute paths. */
function sources(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(folder, f));
}

/** The files `file` imports or re-exports from (type-only imports included), by relative path. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => {
      const base = path.resolve(path.dirname(file), spec);
      const found = [`${base}.ts`, path.join(base, "index.ts")].find((f) => existsSync(f));
      if (!found) throw new Error(`${path.relative(src, file)}: cannot resolve "${spec}"`);
      return found;
    });
}

/** One import cycle of the graph, as a list of files relative to src/ (first repeated last), or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const onPath: string[] = [];
  function visit(file: string): string[] | null {
    const at = onPath.indexOf(file);
    if (at >= 0) return [...onPath.slice(at), file];
    if (done.has(file)) return null;
    onPath.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    onPath.pop();
    done.add(file);
    return null;
  }
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle.map((f) => path.relative(src, f));
  }
  return null;
}

describe("the helper library's imports", () => {
  test("no file of src/ imports itself through others, type-only imports included", () => {
    const graph = new Map(sources(src).map((f) => [f, importsOf(f)]));
    expect(findCycle(graph)).toBeNull();
  });

  test("the walk finds a cycle when there is one", () => {
    const [a, b, c] = ["a.ts", "b.ts", "c.ts"].map((f) => path.join(src, f));
    const graph = new Map([
      [a, [b]],
      [b, [c]],
      [c, [b]],
    ]);
    expect(findCycle(graph)).toEqual(["b.ts", "c.ts", "b.ts"]);
  });
});
