/**
 * Waiting for an event as a promise that always cleans up: whichever way it settles (the event,
 * an error event, the timeout, the socket being closed), every listener and the timer are removed,
 * so nothing of the wait outlives the awaited call.
 */
import type { EventEmitter } from "node:events";

import { SocketUsageError } from "../../errors/socket-error";

/**
 * The option of the calls that wait (accept, connect, recv, recvfrom).
 *
 * @example
 * await server.accept({ timeout: 5000 });
 */
export interface TimeoutOption {
  /** Give up after this many milliseconds, rejecting with ERR_TIMEOUT. Default: wait forever. */
  timeout?: number;
}

/**
 * How a wait ends besides its events.
 *
 * @example
 * const options: WaitOptions = { timeout: 2000, signal: controller.signal };
 */
export interface WaitOptions {
  /** Milliseconds before giving up; undefined waits as long as it takes. */
  timeout?: number;
  /** The error to reject with when the timeout elapses. */
  onTimeout?: () => Error;
  /** Rejects the wait when aborted (the socket was closed), with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Internal: calls `expire` once `ms` milliseconds have passed and what the system finished in
 * that time has been delivered; returns the function that cancels it.
 *
 * Why not a bare setTimeout: libuv runs due timers before it polls for I/O. A process that did not
 * get the CPU for longer than the timeout (30 Jupyter kernels on 2 cores) would find, on waking,
 * the timer and the finished connect (or the arrived bytes) both due, and the timer would win: a
 * false "timed out" for what the operating system did in time. So the timer only schedules the
 * expiry with setImmediate, which runs after that iteration's poll phase: an event that was
 * already there is delivered first and cancels the expiry. Python's timeouts behave the same
 * way, as poll(2) reports a descriptor that is ready, however late the process runs.
 *
 * @example
 * const cancel = startTimeout(2000, () => reject(timeoutError("recv", "...", 2000)));
 * // when the data comes first:
 * cancel();
 */
export function startTimeout(ms: number, expire: () => void): () => void {
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(expire);
  }, ms);
  return () => {
    clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
  };
}

/**
 * Internal: resolves with the arguments of the first `resolveOn` event; rejects with `mapError`
 * of the first `rejectOn` event, on timeout or on abort.
 *
 * @example
 * await waitFor(raw, ["connect"], ["error"], (err) => toSocketError(err, "connect"), { timeout: 2000 });
 */
export function waitFor(
  emitter: EventEmitter,
  resolveOn: string[],
  rejectOn: string[],
  mapError: (err: unknown) => Error,
  options: WaitOptions = {},
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    let cancelTimeout: (() => void) | undefined;
    const onResolve = (...args: unknown[]) => {
      cleanup();
      resolve(args);
    };
    const onReject = (err: unknown) => {
      cleanup();
      reject(mapError(err));
    };
    const onAbort = () => {
      cleanup();
      reject(options.signal?.reason);
    };
    const cleanup = () => {
      for (const e of resolveOn) emitter.off(e, onResolve);
      for (const e of rejectOn) emitter.off(e, onReject);
      options.signal?.removeEventListener("abort", onAbort);
      cancelTimeout?.();
    };
    if (options.signal?.aborted) {
      reject(options.signal.reason);
      return;
    }
    for (const e of resolveOn) emitter.on(e, onResolve);
    for (const e of rejectOn) emitter.on(e, onReject);
    options.signal?.addEventListener("abort", onAbort);
    if (options.timeout !== undefined) {
      cancelTimeout = startTimeout(options.timeout, () => {
        cleanup();
        reject(options.onTimeout ? options.onTimeout() : new Error("timed out"));
      });
    }
  });
}

/**
 * Internal: checks a `timeout` option (milliseconds, a positive number, or undefined for none).
 *
 * @example
 * validateTimeout(2000, "accept"); // 2000
 */
export function validateTimeout(timeout: unknown, operation: string): number | undefined {
  if (timeout === undefined || timeout === Number.POSITIVE_INFINITY) return undefined;
  if (typeof timeout !== "number" || !(timeout > 0) || timeout > 2_147_483_647) {
    throw new SocketUsageError(
      "ERR_INVALID_ARGUMENT",
      `${operation}: timeout is a number of milliseconds greater than 0, like { timeout: 2000 }; got ${String(timeout)}`,
    );
  }
  return timeout;
}

/**
 * Internal: the ERR_TIMEOUT error, naming the operation, the address and the milliseconds.
 *
 * @example
 * timeoutError("accept", "waiting for a connection on 127.0.0.1:4000", 2000);
 */
export function timeoutError(operation: string, what: string, ms: number): SocketUsageError {
  return new SocketUsageError("ERR_TIMEOUT", `${operation} timed out after ${ms} ms ${what}`);
}

/**
 * Internal: resolves once libuv has finished closing the handles closed so far. The system
 * releases a port inside close(), but libuv completes the handle's closing at the end of the
 * event loop's iteration, after the check phase: two setImmediate turns are past it.
 *
 * @example
 * server.close();
 * await handlesClosed();
 */
export async function handlesClosed(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}
