/**
 * Where a StreamSocket is in its life, and the steps that change it in more than one place: those
 * listen and connect share while the system opens (the socket is pending and tracked; a close()
 * that comes meanwhile finds nothing to close yet, so what was opened is closed here; a failure
 * restores the state from before), and close()'s first one, which ends the waiting calls.
 */
import { atCall } from "../../errors/error-view";
import { misuse } from "../../errors/misuse";
import type { StreamState } from "../stream-state";
import { PendingCalls } from "./pending-calls";
import { type TrackedSocket, track, untrack } from "./tracker";
import { unlimitedAbortController } from "./unlimited-abort-controller";

/**
 * Internal: a StreamSocket's state, its waiting calls, and its listen or connect in progress.
 *
 * @example
 * await this.life.open(this, "connect", start, (arrival) => destroyAndWait(arrival.raw), keep);
 */
export class StreamLife {
  /** Where the socket is in its life (see StreamState). */
  state: StreamState = "fresh";
  /** The waiting calls (accept, recv) that close() ends. */
  readonly pending = new PendingCalls();
  /** Aborted by close(), with the error that ends the socket's waiting calls. */
  readonly closed = unlimitedAbortController();
  /** The call that opened the socket last (listen or connect): a waiting one that close ends. */
  private opening: "listen" | "connect" = "connect";

  /**
   * Runs `start` (the system's listen or connect) with the socket pending. `keep` takes what it
   * opened and finishes the call in the same step as the check for a close() that came meanwhile
   * (which `discard` undoes), so that no close() can slip in between.
   */
  async open<T>(
    socket: TrackedSocket,
    call: "listen" | "connect",
    start: () => Promise<T>,
    discard: (opened: T) => Promise<void>,
    keep: (opened: T) => void,
  ): Promise<void> {
    const before = this.state;
    this.state = call === "listen" ? "listen-pending" : "connecting";
    this.opening = call;
    track(socket);
    try {
      const opened = await start();
      if (this.isClosed()) {
        // close() came while the system was binding or connecting: it found nothing to close yet.
        await discard(opened);
        throw misuse.closedWhileWaiting(call);
      }
      keep(opened);
    } catch (err) {
      if (!this.isClosed()) {
        this.state = before;
        untrack(socket);
      }
      throw atCall(err);
    }
  }

  /** close()'s first step: the socket is closed and its waiting calls end. Returns the state before. */
  end(): StreamState {
    const was = this.state;
    this.state = "closed";
    this.pending.quiet();
    this.closed.abort(misuse.closedWhileWaiting(was === "listening" ? "accept" : this.opening));
    return was;
  }

  /** A method, since after an await TypeScript still narrows `state` to the pending one. */
  private isClosed(): boolean {
    return this.state === "closed";
  }
}
