/**
 * The two ZeroMQ sockets a Jupyter client holds to a kernel, and their receive loops: a dealer on
 * the shell port (requests out, replies in) and a subscriber on iopub (everything a cell prints or
 * displays, and the kernel's busy/idle status).
 */
import { Dealer, Subscriber } from "zeromq";
import { type ConnectionInfo, endpoint } from "./connection";
import { type Message, parse, serialize } from "./messaging";

/** Where received messages go (request matching, requests.ts). */
export interface ChannelHandlers {
  onReply(message: Message): void;
  onIopub(message: Message): void;
}

/** The open channels. */
export interface Channels {
  /** Signs and sends a message on shell. */
  send(message: Message<unknown>): Promise<void>;
  /** Whether any iopub message has arrived yet: the subscriber is connected (readiness.ts). */
  iopubSeen(): boolean;
  /** Resolves true at the next iopub message, false after `ms`. */
  nextIopub(ms: number): Promise<boolean>;
  close(): void;
}

/** Connects to the kernel's shell and iopub ports and starts reading both. */
export function openChannels(conn: ConnectionInfo, handlers: ChannelHandlers): Channels {
  const shell = new Dealer({ linger: 0 });
  // iopub is where a burst of output arrives; let our side queue without limit so that any loss
  // is the kernel's (and shows as a missing idle), never ours.
  const iopub = new Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  iopub.subscribe();
  shell.connect(endpoint(conn, conn.shell_port));
  iopub.connect(endpoint(conn, conn.iopub_port));

  let seen = false;
  const iopubWaiters = new Set<() => void>();

  // A receive pending when shutdown closes the socket can reject (ENOTSOCK, seen under a flood
  // of output): the loop is over then, and nothing is waiting for it.
  const closed = () => undefined;
  void (async () => {
    for await (const frames of shell) {
      const message = tryParse(frames, conn.key);
      if (message) handlers.onReply(message);
    }
  })().catch(closed);
  void (async () => {
    for await (const frames of iopub) {
      const message = tryParse(frames, conn.key);
      if (!message) continue;
      seen = true;
      for (const wake of iopubWaiters) wake();
      handlers.onIopub(message);
    }
  })().catch(closed);

  return {
    send: async (message) => {
      await shell.send(serialize(message, conn.key));
    },
    iopubSeen: () => seen,
    nextIopub: (ms) =>
      new Promise((resolve) => {
        const done = (value: boolean) => {
          clearTimeout(timer);
          iopubWaiters.delete(arrived);
          resolve(value);
        };
        const arrived = () => done(true);
        const timer = setTimeout(() => done(false), ms);
        iopubWaiters.add(arrived);
      }),
    close: () => {
      shell.close();
      iopub.close();
    },
  };
}

function tryParse(frames: Buffer[], key: string): Message | undefined {
  try {
    return parse(frames, key);
  } catch {
    // Not ours or corrupt: a Jupyter client ignores such messages too.
    return undefined;
  }
}
