import path from "node:path";
import { expect, test } from "vitest";
import { projectRoot } from "../../scripts/jupyter/kernelspec";
import { cellTypes, limitTypeRoots } from "../../scripts/tslab-kernel/type-roots.mjs";

function fakeTypeScript(listing: string[]) {
  return { sys: { getDirectories: (_dir: string) => listing } };
}

test("the project's node_modules/@types lists only Node's types to tslab's compiler", () => {
  const ts = fakeTypeScript(["chai", "jsdom", "node", "markdown-it"]);
  limitTypeRoots(ts);
  expect(ts.sys.getDirectories(path.join(projectRoot, "node_modules", "@types"))).toEqual(["node"]);
  expect(cellTypes).toEqual(["node"]);
});

test("any other folder is listed as it is", () => {
  const ts = fakeTypeScript(["chai", "node"]);
  limitTypeRoots(ts);
  expect(ts.sys.getDirectories(path.join(projectRoot, "src"))).toEqual(["chai", "node"]);
  expect(ts.sys.getDirectories("/elsewhere/node_modules/@types")).toEqual(["chai", "node"]);
});
