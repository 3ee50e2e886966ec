/**
 * tslab starts receiving on its five ZeroMQ sockets, then binds them all at once. While a bind is
 * under way, zeromq.js refuses send and receive on that socket at once with EBUSY ("Socket is
 * blocked by a bind or unbind operation"), although the socket may already be bound in libzmq and
 * a request may already have arrived: the bind's completion just has not reached JavaScript yet. A
 * request in that window makes tslab's reply throw and its receive loop end, so the kernel never
 * answers and stays "starting" (seen once in 90 kernel starts, 30 kernels starting at once on 2
 * cores). So in the kernel process, send and receive wait out a bind in progress: on EBUSY they try
 * again a few milliseconds later, sends in the order they were made. Nothing changes otherwise.
 */

/** A zeromq socket's send or receive, called on the socket. @typedef {(this: object, ...args: unknown[]) => Promise<unknown>} Method */

/**
 * zeromq's refusal during a bind. Its "busy reading" and "busy writing" refusals have the same
 * code (EBUSY) and are left alone: only the bind's is waited out.
 */
/** @param {any} error */
const blockedByBind = (error) =>
  error?.code === "EBUSY" && /blocked by a bind/.test(String(error.message));

/** How long one socket's calls keep trying while a bind blocks it: longer than any bind takes. */
const retryMs = 10;
const maxTries = 6_000; // a minute

/**
 * Makes `zmq.Socket`'s send and receive wait while a bind or unbind blocks the socket.
 *
 * @param {{ Socket: { prototype: object } }} zmq the zeromq module tslab loads
 */
export function waitOutBinds(zmq) {
  const proto = /** @type {{ send: Method & { waitsOutBinds?: boolean }, receive: Method }} */ (
    zmq.Socket.prototype
  );
  if (proto.send.waitsOutBinds) return;
  /** Per socket: its sends still waiting for a bind, so that later sends queue behind them. */
  const waitingSends = new WeakMap();

  const originalSend = proto.send;
  /** @type {Method & { waitsOutBinds?: boolean }} */
  const send = function (...args) {
    const queued = waitingSends.get(this);
    if (queued === undefined) {
      try {
        return originalSend.apply(this, args);
      } catch (error) {
        if (!blockedByBind(error)) throw error;
      }
    }
    const sent = (queued ?? Promise.resolve()).then(() => whenUnblocked(this, originalSend, args));
    const settled = sent.then(
      () => undefined,
      () => undefined,
    );
    waitingSends.set(this, settled);
    settled.then(() => {
      if (waitingSends.get(this) === settled) waitingSends.delete(this);
    });
    return sent;
  };
  send.waitsOutBinds = true;
  replace(proto, "send", send);

  const originalReceive = proto.receive;
  /** @type {Method} */
  const receive = function (...args) {
    try {
      return originalReceive.apply(this, args);
    } catch (error) {
      if (!blockedByBind(error)) throw error;
      return whenUnblocked(this, originalReceive, args);
    }
  };
  replace(proto, "receive", receive);
}

/**
 * The native class's methods are read-only but configurable: redefined, as they were defined.
 *
 * @param {object} proto
 * @param {string} name
 * @param {Function} method
 */
function replace(proto, name, method) {
  const { enumerable, configurable } = Object.getOwnPropertyDescriptor(proto, name) ?? {};
  Object.defineProperty(proto, name, { value: method, writable: false, enumerable, configurable });
}

/**
 * Calls `method` on `socket` until a bind no longer blocks it.
 *
 * @param {object} socket
 * @param {Method} method
 * @param {unknown[]} args
 * @returns {Promise<unknown>}
 */
async function whenUnblocked(socket, method, args) {
  for (let tries = 1; ; tries++) {
    await new Promise((resolve) => setTimeout(resolve, retryMs));
    try {
      return await method.apply(socket, args);
    } catch (error) {
      if (!blockedByBind(error) || tries >= maxTries) throw error;
    }
  }
}
