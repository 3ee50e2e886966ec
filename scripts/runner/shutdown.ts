/**
 * Ending a kernel: shutdown_request, then a kill after a grace period, since a server or timer a
 * lesson left open keeps tslab alive after it; then the channels and the connection file go.
 */
import type { Channels } from "./channels";
import type { KernelProcess } from "./kernel-process";
import { createMessage } from "./messaging";

/** What {@link shutdownOnce} ends. */
export interface ShutdownContext {
  process: KernelProcess;
  channels: Channels;
  session: string;
  /** Removes the connection file and its folder. */
  removeConnection: () => Promise<void>;
}

/** A shutdown function that does its work once, however often and however soon it is called. */
export function shutdownOnce(context: ShutdownContext): (graceMs?: number) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (graceMs = 1000) => {
    stopping ??= (async () => {
      if (!context.process.failure()) {
        const kill = setTimeout(() => context.process.child.kill("SIGKILL"), graceMs);
        try {
          await context.channels.send(
            createMessage("shutdown_request", { restart: false }, context.session),
          );
        } catch {
          // The socket may already be unusable; the kill still ends the kernel.
        }
        await context.process.exited;
        clearTimeout(kill);
      }
      context.channels.close();
      await context.removeConnection();
    })();
    return stopping;
  };
}
