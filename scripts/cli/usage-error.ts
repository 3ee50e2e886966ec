/**
 * A command line a program cannot act on: every command prints its message (and its usage) and
 * exits with its usage status, so that a typo costs no time and never looks like a crash.
 */
export class UsageError extends Error {
  override name = "UsageError";
}
