/** Test support: a watchdog for work that has no way to be stopped. */

/**
 * Resolves as `work` does, unless `ms` pass first: then rejects with the error `late()` builds at
 * that moment (say, naming what is still running). The timer never holds the process open and is
 * cleared as soon as either settles; `work` itself goes on, so it must end by its own timeouts.
 * An infinite `ms` sets no deadline.
 *
 * @example
 * const runs = await beforeDeadline(executeNotebooks(files), 60_000, () => new Error("still running: ..."));
 */
export async function beforeDeadline<T>(
  work: Promise<T>,
  ms: number,
  late: () => Error,
): Promise<T> {
  if (ms === Number.POSITIVE_INFINITY) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms).unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
