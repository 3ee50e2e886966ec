/**
 * The lecture's Python blocks in `sock.accept()`; here it returns a Promise, and the classic
 * slip is to leave out `await`: `const [connection, address] = server.accept()`. TypeScript
 * would only say that a Promise "must have a '[Symbol.iterator]()' method" (tslab prints no
 * more), so the Promises of accept and recvfrom are given one: unpacking them without `await`
 * stops at once with a message that names the cause, and the unpacked names get a type that
 * says it in any later type error ("Property 'recv' does not exist on type 'accept() returns a
 * Promise: did you forget await?'").
 */
import { inspect } from "node:util";
import { misuse } from "../../errors/misuse";

/**
 * Printed (`console.log(data)`, or a cell ending with it), such a Promise says what it is and
 * what was probably meant. Nothing is given back: the program may still await it.
 */
function explainWhenPrinted(promise: Promise<unknown>, call: string, example: string): void {
  Object.defineProperty(promise, inspect.custom, {
    value: (_depth: number, options: object) =>
      `${inspect(promise, { ...options, customInspect: false })} (${call}() returns a Promise: did you forget \`await\`? ${example})`,
  });
}

/**
 * What an unpacked Promise's parts are typed as: a sentence naming the slip.
 *
 * @example
 * const hint: ForgotAwait<"accept"> = "accept() returns a Promise: did you forget await?";
 */
export type ForgotAwait<Call extends string> = `${Call}() returns a Promise: did you forget await?`;

/**
 * A Promise of a pair that says "did you forget await?" when it is unpacked instead of awaited.
 * `await` it as any Promise.
 *
 * @example
 * const [connection, clientAddress] = await server.accept(); // right
 * const [c, a] = server.accept(); // throws: accept() returns a Promise: did you forget `await`? ...
 */
export interface PairPromise<T, Call extends string> extends Promise<T> {
  /** Throws: a Promise is awaited, not unpacked. */
  [Symbol.iterator](): Iterator<ForgotAwait<Call>>;
}

/**
 * Internal: gives `promise` the iterator that explains the missing `await`. The call itself still
 * runs, and nobody will ever see its result: `onSlip` hands that result back to the socket (the
 * connection or datagram would otherwise be lost, and the corrected cell's `await` would wait
 * for it forever); its failure is nobody's unhandled rejection.
 *
 * @example
 * return pairPromise(this.acceptNow(options), "accept", "const [connection, clientAddress] = await server.accept()", () => (call.slipped = true));
 */
export function pairPromise<T, Call extends string>(
  promise: Promise<T>,
  call: Call,
  example: string,
  onSlip?: () => void,
): PairPromise<T, Call> {
  Object.defineProperty(promise, Symbol.iterator, {
    value: () => {
      promise.catch(() => {});
      onSlip?.();
      throw misuse.forgotAwait(call, example);
    },
  });
  explainWhenPrinted(promise, call, example);
  return promise as PairPromise<T, Call>;
}

const giveBacks = new WeakMap<object, () => void>();

/**
 * Internal: registers what to do when `promise`, the result of a recv, is used as bytes without
 * `await` (`decode(sock.recv(1024))`, `data.toString()`): `giveBack` gets the bytes it took, once
 * it has them, so that the corrected cell's `await sock.recv(1024)` finds them.
 *
 * @example
 * return whenUnawaited(this.pending.run(...), (data) => this[kUnrecv](data));
 */
export function whenUnawaited<T>(promise: Promise<T>, giveBack: (value: T) => void): Promise<T> {
  giveBacks.set(promise, () => {
    promise.then(giveBack, () => {});
  });
  // `data.toString()` (or `${data}`) is how Node code often decodes a Buffer; on a Promise it
  // would give "[object Promise]" and no error.
  Object.defineProperty(promise, "toString", {
    value: () => {
      unawaited(promise);
      throw misuse.forgotAwait("recv", "const data = await sock.recv(1024)");
    },
  });
  explainWhenPrinted(promise, "recv", "const data = await sock.recv(1024)");
  return promise;
}

/**
 * Internal: `value` was used as bytes without `await` (decode, send): if it is a recv's Promise,
 * what that recv takes goes back to its socket; its failure is nobody's unhandled rejection.
 *
 * @example
 * if (data instanceof Promise) { unawaited(data); throw misuse.promiseNotBytes("decode"); }
 */
export function unawaited(value: Promise<unknown>): void {
  value.catch(() => {});
  const giveBack = giveBacks.get(value);
  giveBacks.delete(value);
  giveBack?.();
}
