/**
 * The signal a socket's close() aborts to end its waiting calls. Every waiting call (accept,
 * connect) listens on it: twenty accepts at once are normal here, not a leak, so Node must not
 * warn about them in a notebook.
 */
import { setMaxListeners } from "node:events";

/**
 * Internal: an AbortController whose signal takes any number of listeners without a warning.
 *
 * @example
 * private readonly closed = unlimitedAbortController();
 */
export function unlimitedAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
