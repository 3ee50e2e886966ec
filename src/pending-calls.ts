/**
 * The calls of one socket that are still waiting (recv, accept, recvfrom), so that close() can
 * end them quietly: a call a student never awaited (a forgotten `await`, a promise kept for
 * later) would otherwise reject after closeAll() with nobody listening, and tslab prints such a
 * rejection as an UnhandledPromiseRejection trace into whatever cell runs next. A call that is
 * awaited still gets its ERR_SOCKET_CLOSED.
 */

/**
 * Internal: a socket's waiting calls.
 *
 * @example
 * recv(max) { return this.pending.run((done) => this.recvNow(max, done)); }
 */
export class PendingCalls {
  private calls = new Map<object, Promise<unknown> | undefined>();

  /** Starts a call; `start` must call `done` once it has settled (in a finally). */
  run<T>(start: (done: () => void) => Promise<T>): Promise<T> {
    const token = {};
    this.calls.set(token, undefined);
    const call = start(() => this.calls.delete(token));
    if (this.calls.has(token)) this.calls.set(token, call);
    return call;
  }

  /** Marks every waiting call as handled: its rejection by close is nobody's unhandled error. */
  quiet(): void {
    for (const call of this.calls.values()) call?.catch(() => {});
    this.calls.clear();
  }
}
