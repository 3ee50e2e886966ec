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

/** Watches the test's folder for notebooks, counting rebuilds; `rebuild` adds what each one does. */
function watchNotebooks(quietMs: number, rebuild: () => Promise<void> = async () => {}) {
  const counted = { rebuilds: 0 };
  watching = watchFolders({
    folders: [folder],
    matches: (name) => name.endsWith(".ipynb"),
    rebuild: async () => {
      counted.rebuilds += 1;
      await rebuild();
    },
    quietMs,
  });
  return counted;
}

describe("watchFolders", () => {
  test("rebuilds once for a burst of writes to a matching file, after the writes stop", async () => {
    const counted = watchNotebooks(200);
    for (let i = 0; i < 5; i++) {
      await writeFile(path.join(folder, "lesson.ipynb"), `{"step": ${i}}`);
      await sleep(20);
    }
    await until(() => counted.rebuilds, 1);
    await sleep(500);
    expect(counted.rebuilds).toBe(1);
  });

  test("ignores files that do not match", async () => {
    const counted = watchNotebooks(50);
    await writeFile(path.join(folder, "notes.txt"), "not a notebook");
    await sleep(400);
    expect(counted.rebuilds).toBe(0);
    await writeFile(path.join(folder, "lesson.ipynb"), "{}");
    await until(() => counted.rebuilds, 1);
  });

  test("a save during a rebuild gets one more rebuild after it, never two at once", async () => {
    let running = 0;
    let overlapped = false;
    const counted = watchNotebooks(50, async () => {
      running += 1;
      overlapped ||= running > 1;
      await sleep(300);
      running -= 1;
    });
    await writeFile(path.join(folder, "lesson.ipynb"), "{}");
    await until(() => counted.rebuilds, 1);
    // Two saves while the first rebuild runs: one more rebuild, for the last of them.
    await writeFile(path.join(folder, "lesson.ipynb"), '{"a": 1}');
    await sleep(100);
    await writeFile(path.join(folder, "lesson.ipynb"), '{"a": 2}');
    await until(() => counted.rebuilds, 2);
    await sleep(800);
    expect(counted.rebuilds).toBe(2);
    expect(overlapped).toBe(false);
  });

  test("a failing rebuild does not stop the watching", async () => {
    const counted = watchNotebooks(50, async () => {
      throw new Error("a notebook saved half-way");
    });
    await writeFile(path.join(folder, "lesson.ipynb"), "{");
    await until(() => counted.rebuilds, 1);
    await writeFile(path.join(folder, "lesson.ipynb"), "{}");
    await until(() => counted.rebuilds, 2);
  });

  test("close() stops it: later saves rebuild nothing", async () => {
    const counted = watchNotebooks(50);
    watching?.close();
    await writeFile(path.join(folder, "lesson.ipynb"), "{}");
    await sleep(400);
    expect(counted.rebuilds).toBe(0);
  });
});
