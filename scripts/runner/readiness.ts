/**
 * When a kernel is ready: it has answered a kernel_info_request and a first iopub message has
 * arrived, so that no output can be lost to a subscriber that is still connecting.
 */
import type { Channels } from "./channels";
import { KernelError, type KernelProcess } from "./kernel-process";
import type { Requests } from "./requests";

/** What the kernel says about itself in kernel_info_reply. */
export interface KernelInfo {
  protocol_version?: string;
  implementation?: string;
  language_info: Record<string, unknown> & { name: string };
  [key: string]: unknown;
}

/** What {@link waitUntilReady} watches. */
export interface ReadinessContext {
  requests: Requests;
  channels: Channels;
  process: KernelProcess;
  /** For the message when it never gets ready. */
  cwd: string;
  /** In ms; default 60 000. */
  startTimeout?: number;
}

/**
 * Repeats kernel_info_request until a reply and some iopub message have both arrived.
 *
 * @throws {KernelError} when that does not happen within the start timeout (or the process ends)
 */
export async function waitUntilReady(context: ReadinessContext): Promise<KernelInfo> {
  const limit = context.startTimeout ?? 60_000;
  const deadline = performance.now() + limit;
  // The first requests may reach the kernel before the subscriber is connected: their status
  // messages are lost (ZeroMQ's "slow joiner"), hence the retries with a short deadline.
  while (performance.now() < deadline) {
    const left = deadline - performance.now();
    const { entry } = await context.requests.request(
      "kernel_info_request",
      {},
      { reply: Math.min(left, 2_000), idle: Math.min(left, 250) },
    );
    if (
      entry.reply &&
      (context.channels.iopubSeen() || (await context.channels.nextIopub(Math.min(left, 250))))
    ) {
      return entry.reply.content as KernelInfo;
    }
  }
  const log = context.process.log().trim();
  throw new KernelError(
    `the tslab kernel in ${context.cwd} did not answer within ${limit} ms${log ? `; its output:\n${log}` : ""}`,
  );
}
