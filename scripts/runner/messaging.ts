/**
 * The Jupyter wire protocol: what one message looks like on a ZeroMQ socket, signed and parsed.
 *
 * A message is a multipart ZeroMQ message:
 * `[routing ids..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]`,
 * the four dictionaries as JSON and the signature the hex HMAC-SHA256 of those four frames with the
 * connection file's key. https://jupyter-client.readthedocs.io/en/stable/messaging.html#the-wire-protocol
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** Separates the routing ids from the message itself. */
export const DELIMITER = Buffer.from("<IDS|MSG>");

/** The protocol version the kernel (tslab) speaks. */
export const PROTOCOL_VERSION = "5.3";

/** A message header. `msg_id` is what replies and outputs point back to. */
export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** One Jupyter message, its JSON parts parsed. */
export interface Message<Content = Record<string, unknown>> {
  header: Header;
  /** The header of the request this message answers; `{}` for a request. */
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Content;
  buffers: Buffer[];
}

/** A message that failed to parse or whose signature did not match. */
export class MessageError extends Error {
  override name = "MessageError";
}

/**
 * Makes a request message for one session.
 */
export function createMessage<Content>(
  msgType: string,
  content: Content,
  session: string,
): Message<Content> {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: "sockets-course",
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  };
}

/**
 * The hex HMAC-SHA256 of the given frames: what goes in a message's signature frame.
 */
export function sign(key: string, frames: readonly (Buffer | string)[]): string {
  const hmac = createHmac("sha256", key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest("hex");
}

/**
 * Turns a message into the frames to send (no routing ids: a dealer socket adds its own).
 */
export function serialize(message: Message<unknown>, key: string): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map(
    (part) => Buffer.from(JSON.stringify(part)),
  );
  return [DELIMITER, Buffer.from(sign(key, parts)), ...parts, ...message.buffers];
}

/**
 * Reads the frames of one received message, checking its signature.
 *
 * Routing ids (and, on iopub, the topic) come before the delimiter and are skipped.
 *
 * @throws {MessageError} when the delimiter is missing, a part is not JSON, or the signature does
 *   not match the key (a message from another kernel, or a corrupt one).
 */
export function parse(frames: readonly Buffer[], key: string): Message {
  const at = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (at < 0) throw new MessageError("not a Jupyter message: no <IDS|MSG> delimiter");
  if (frames.length < at + 6) {
    throw new MessageError(
      `not a Jupyter message: ${frames.length - at - 1} frames after the delimiter, want at least 5`,
    );
  }
  const signature = frames[at + 1];
  const parts = frames.slice(at + 2, at + 6);
  const expected = Buffer.from(sign(key, parts));
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw new MessageError("message signature does not match the connection key");
  }
  const [header, parent_header, metadata, content] = parts.map((part, i) => {
    try {
      return JSON.parse(part.toString("utf8"));
    } catch (error) {
      throw new MessageError(`message part ${i} is not JSON`, { cause: error });
    }
  });
  return { header, parent_header, metadata, content, buffers: frames.slice(at + 6) };
}
