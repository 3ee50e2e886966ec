/**
 * `npm run handouts -- --watch`: the handouts rebuilt whenever a notebook is saved, by one process
 * that keeps shiki and jsdom loaded, so an instructor editing a lesson sees its page again a
 * moment after saving instead of paying a cold start each time.
 */
import { type FSWatcher, watch } from "node:fs";

/** A running watch; `close()` stops it (a rebuild in progress still finishes). */
export interface Watch {
  close(): void;
}

/** Options of {@link watchFolders}. */
export interface WatchOptions {
  /** Folders whose files are watched (not their subfolders, such as .ipynb_checkpoints/). */
  folders: readonly string[];
  /** Which file names count (say, notebooks); others changing are ignored. */
  matches(name: string): boolean;
  /** The work to redo; it reports its own failures (a rejection is caught and ignored). */
  rebuild(): Promise<void>;
  /**
   * Milliseconds without a further change before rebuilding, default 150: Jupyter and editors
   * write a file in several steps (a temporary file, then a rename), and a rebuild between them
   * would read half a notebook or do the work twice.
   */
  quietMs?: number;
}

/**
 * Calls `rebuild` after files in `folders` change: one rebuild at a time, and one more after it
 * when something changed meanwhile, so the last save is always the one built.
 */
export function watchFolders(options: WatchOptions): Watch {
  const quietMs = options.quietMs ?? 150;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let closed = false;

  const run = async () => {
    timer = undefined;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await options.rebuild();
    } catch {
      // rebuild() reports its own failures; watching goes on.
    } finally {
      running = false;
    }
    if (again && !closed) {
      again = false;
      schedule();
    }
  };
  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(run, quietMs);
  };

  const watchers: FSWatcher[] = options.folders.map((folder) =>
    watch(folder, (_event, name) => {
      if (name !== null && options.matches(String(name))) schedule();
    }),
  );
  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
