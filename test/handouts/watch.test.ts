import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { afterEach, beforeEach, describe, expect, test } from "vitest";

import { type Watch, watchFolders } from "../../scripts/handouts/watch";

let folder: string;
let watching: Watch | undefined;
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), "handouts-watch-"));
});
afterEach(async () => {
  watching?.close();
  await rm(folder, { recursive: true, force: true });
});

/** Resolves once `count()` reaches `n`, or rejects after `ms`. */
async function until(count: () => number, n: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (count() < n) {
    if (Date.now() > deadline) throw new Error(`still ${count()} after ${ms} ms, waiting for ${n}`);
    await sleep(20);
  }
}

describe("watchFolders", () => {
  test("rebuilds once for a burst of writes to a matching file, after the writes stop", async () => {
    let rebuilds = 0;
    watching = watchFolders({
      folders: [folder],
      matches: (name) => name.endsWith(".ipynb"),
      rebuild: async () => {
        rebuilds += 1;
      },
      quietMs: 200,
    });
    for (let i = 0; i < 5; i++) {
      await writeFile(path.join(folder, "lesson.ipynb"), `{"step": ${i}}`);
      await sleep(20);
    }
    await until(() => rebuilds, 1);
    await sleep(500);
    expect(rebuilds).toBe(1);
  });

  test("ignores files that do not match", async () => {
    let rebuilds = 0;
    watching = watchFolders({
      folders: [folder],
      matches: (name) => name.endsWith(".ipynb"),
      rebuild: async () => {
        rebuilds += 1;
      },
      quietMs: 50,
    });
    await writeFile(path.join(folder, "notes.txt"), "not a notebook");
    await sleep(400);
    expect(rebuilds).toBe(0);
    await writeFile(path.join(folder, "lesson.ipynb"), "{}");
    await until(() => rebuilds, 1);
  });

  test("a save during a rebuild gets one more rebuild after it, never two at once", async () => {
    let rebuilds = 0;
    let running = 0;
    let overlapped = false;
    watching = watchFolders({
      folders: [folder],
      matches: (name) => name.endsWith(".ipynb"),
      rebuild: async () => {
        running += 1;
        overlapped ||= running > 1;
        rebuilds += 1;
        await sleep(300);
        running -= 1;
      },
      quietMs: 50,
    });
    await writeFile(path.join(folder, "lesson.ipynb"), "{}");
    await until(() => rebuilds, 1);
    // Two saves while the first rebuild runs: one more rebuild, for the last of them.
    await writeFile(path.join(folder, "lesson.ipynb"), '{"a": 1}');
    await sleep(100);
    await writeFile(path.join(folder, "lesson.ipynb"), '{"a": 2}');
    await until(() => rebuilds, 2);
    await sleep(800);
    expect(rebuilds).toBe(2);
    expect(overlapped).toBe(false);
  });

  test("a failing rebuild does not stop the watching", async () => {
    let rebuilds = 0;
    watching = watchFolders({
      folders: [folder],
      matches: (name) => name.endsWith(".ipynb"),
      rebuild: async () => {
        rebuilds += 1;
        throw new Error("a notebook saved half-way");
      },
      quietMs: 50,
    });
    await writeFile(path.join(folder, "lesson.ipynb"), "{");
    await until(() => rebuilds, 1);
    await writeFile(path.join(folder, "lesson.ipynb"), "{}");
    await until(() => rebuilds, 2);
  });

  test("close() stops it: later saves rebuild nothing", async () => {
    let rebuilds = 0;
    watching = watchFolders({
      folders: [folder],
      matches: () => true,
      rebuild: async () => {
        rebuilds += 1;
      },
      quietMs: 50,
    });
    watching.close();
    await writeFile(path.join(folder, "lesson.ipynb"), "{}");
    await sleep(400);
    expect(rebuilds).toBe(0);
  });
});
