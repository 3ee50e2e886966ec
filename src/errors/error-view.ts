/**
 * How a notebook prints the helper's errors: the message and the student's own lines, not the
 * helper's frames, Node's internals, tslab's, or Node's original error in `cause` (tslab prints
 * a cell's error with console.error, which would show all of them: 12 to 24 lines). The full
 * stack stays in `err.stack` and the original error in `err.cause`.
 */

/** The folder of the helper's files as this process sees them (src/, or notebooks/src/). */
const HELPER_DIR = helperDir();

function helperDir(): string | undefined {
  const frame = new Error().stack?.split("\n")[1] ?? "";
  const m = /([^\s(]*)[\\/]errors[\\/]error-view\.[cm]?[jt]s:\d+:\d+\)?$/.exec(frame.trim());
  return m ? m[1] : undefined;
}

const NOT_THE_STUDENTS = [
  /\(node:/,
  /at node:/,
  /node_modules[\\/]tslab[\\/]/,
  /sigintHandlersWrap/,
];

/**
 * Internal: the stack lines worth showing a student: frames outside the helper, Node and tslab.
 * tslab runs a cell inside a wrapper function whose frame is the last one before Node's vm: it is
 * the cell's own code only when it is the one frame left.
 *
 * @example
 * studentFrames(err.stack); // ["    at evalmachine.<anonymous>:6:35"]
 */
export function studentFrames(stack: string | undefined): string[] {
  const lines = (stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (HELPER_DIR !== undefined && line.includes(HELPER_DIR)) continue;
    if (NOT_THE_STUDENTS.some((p) => p.test(line))) continue;
    const next = lines[i + 1] ?? "";
    if (/evalmachine/.test(line) && /sigintHandlersWrap|node:vm/.test(next) && kept.length > 0)
      continue;
    kept.push(line);
  }
  return kept.slice(0, 6);
}

/**
 * Internal: an error as a notebook should print it: `Name [code]: message`, then the student's
 * lines (see {@link studentFrames}).
 *
 * @example
 * [inspect.custom]() { return studentView(this, this.code); }
 */
export function studentView(err: Error, code?: string): string {
  const head = `${err.name}${code && !err.message.includes(code) ? ` [${code}]` : ""}: ${err.message}`;
  return [head, ...studentFrames(err.stack)].join("\n");
}

/**
 * Internal: gives an error that was made elsewhere (in an event of Node's, where no line of the
 * student's is on the stack) the stack of the helper's call that reports it, as that call
 * resumes: with async stack traces it ends in the student's `await` line. Returns `err`.
 *
 * @example
 * try { await listener.next(); } catch (err) { throw atCall(err); }
 */
export function atCall(err: unknown): unknown {
  if (err instanceof Error) Error.captureStackTrace(err, atCall);
  return err;
}

/**
 * Internal: `promise`, whose rejection goes through {@link atCall} as the helper's call that
 * awaits it resumes.
 *
 * @example
 * const sent = await atCallOnReject(sendDatagram(sock, bytes, "send", ...peer));
 */
export function atCallOnReject<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((err) => Promise.reject(atCall(err)));
}
