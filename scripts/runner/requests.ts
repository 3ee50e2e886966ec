/**
 * Request matching: each request the runner sends waits for its shell reply and then for its idle
 * status on iopub, collecting the output messages whose parent is that request. Output for a
 * request that has already finished is kept apart as a stray (a timer that threw after its cell).
 */
import type { Channels } from "./channels";
import { KernelError, type KernelProcess } from "./kernel-process";
import { createMessage, type Message } from "./messaging";

/** A message the kernel published for a request that had already finished (went idle). */
export interface StrayMessage {
  /** msg_id of the request it belongs to. */
  parentId: string;
  message: Message;
}

/** One request's state while the runner waits for it. */
export interface Pending {
  outputs: Message[];
  /** Content bytes of `outputs`, and the messages let go past maxOutputBytes. */
  bytes: number;
  dropped: number;
  reply?: Message;
  idle: boolean;
  /** Called on the reply and on idle. */
  wake: () => void;
}

/** How long a request may wait: for its reply, then for its idle (in ms of silence). */
export interface Deadlines {
  reply: number;
  idle: number;
}

/** How a request ended: which wait ran out, if any. */
export interface RequestOutcome {
  id: string;
  entry: Pending;
  timedOut: "reply" | "idle" | null;
}

/** The requests of one kernel. */
export interface Requests {
  /** A shell reply: wakes the request it answers. */
  onReply(message: Message): void;
  /** An iopub message: to its request's outputs, or to the strays of a finished one. */
  onIopub(message: Message): void;
  /** Sends a request and waits for its reply and then its idle status. */
  request(msgType: string, content: unknown, deadlines: Deadlines): Promise<RequestOutcome>;
  /** The strays so far, removed from the table. */
  takeStrays(): StrayMessage[];
}

/** What {@link createRequests} needs. */
export interface RequestContext {
  /** The channels, once open (they are opened with this table's handlers). */
  channels: () => Channels;
  process: KernelProcess;
  session: string;
  /** The most content bytes kept per request and for the strays together; default no limit. */
  maxOutputBytes?: number;
}

/** The request table of one kernel. */
export function createRequests(context: RequestContext): Requests {
  const pending = new Map<string, Pending>();
  const finished = new Set<string>();
  const strays: StrayMessage[] = [];
  const maxBytes = context.maxOutputBytes ?? Number.POSITIVE_INFINITY;
  // Measuring costs a JSON.stringify per message: only when there is a limit to keep.
  const limited = Number.isFinite(maxBytes);
  let strayBytes = 0;

  return {
    onReply(message) {
      const entry = pending.get(message.parent_header.msg_id ?? "");
      if (!entry) return;
      entry.reply = message;
      entry.wake();
    },
    onIopub(message) {
      const parentId = message.parent_header.msg_id ?? "";
      const entry = pending.get(parentId);
      if (entry) {
        if (message.header.msg_type === "status") {
          if (message.content.execution_state === "idle") {
            entry.idle = true;
            entry.wake();
          }
        } else if (message.header.msg_type !== "execute_input") {
          const size = limited ? contentBytes(message) : 0;
          if (entry.bytes + size <= maxBytes) {
            entry.bytes += size;
            entry.outputs.push(message);
          } else {
            entry.dropped++;
          }
          entry.wake();
        }
      } else if (finished.has(parentId) && message.header.msg_type !== "status") {
        const size = limited ? contentBytes(message) : 0;
        if (strayBytes + size <= maxBytes) {
          strayBytes += size;
          strays.push({ parentId, message });
        }
      }
    },
    request,
    takeStrays() {
      strayBytes = 0;
      return strays.splice(0);
    },
  };

  async function request(
    msgType: string,
    content: unknown,
    deadlines: Deadlines,
  ): Promise<RequestOutcome> {
    const message = createMessage(msgType, content, context.session);
    const id = message.header.msg_id;
    let wake = () => {};
    const entry: Pending = { outputs: [], bytes: 0, dropped: 0, idle: false, wake: () => wake() };
    pending.set(id, entry);
    try {
      try {
        await context.channels().send(message);
      } catch (error) {
        throw (
          context.process.failure() ??
          new KernelError(`could not send to the tslab kernel: ${(error as Error).message}`)
        );
      }
      const reached = await waitFor(() => entry.reply !== undefined, deadlines.reply, false);
      if (!reached) return { id, entry, timedOut: "reply" };
      // Silence, not total time: a long output still arriving is not a lost one.
      const idle = await waitFor(() => entry.idle, deadlines.idle, true);
      return { id, entry, timedOut: idle ? null : "idle" };
    } finally {
      pending.delete(id);
      finished.add(id);
    }

    /** Resolves true once `done()`, false after `ms` (since the last message if `rearm`). */
    function waitFor(done: () => boolean, ms: number, rearm: boolean): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        let settled = false;
        const finish = () => {
          settled = true;
          clearTimeout(timer);
          context.process.failureListeners.delete(check);
          wake = () => {};
        };
        // A process starved of CPU wakes up with this timer due and the awaited message already
        // waiting unread (timers run before I/O in Node's loop): let one I/O phase read it first.
        let armed = 0;
        const expire = () => {
          const at = armed;
          setImmediate(() => {
            if (settled || at !== armed) return; // Settled, or re-armed by a message just read.
            finish();
            resolve(done());
          });
        };
        let timer = setTimeout(expire, ms);
        const check = () => {
          if (settled) return;
          const failure = context.process.failure();
          if (failure) {
            finish();
            reject(failure);
          } else if (done()) {
            finish();
            resolve(true);
          } else if (rearm) {
            armed++;
            clearTimeout(timer);
            timer = setTimeout(expire, ms);
          }
        };
        wake = check;
        context.process.failureListeners.add(check);
        check();
      });
    }
  }
}

/** About how much memory a message's content holds (its text, mostly). */
function contentBytes(message: Message): number {
  return JSON.stringify(message.content).length;
}
