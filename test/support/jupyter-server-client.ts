/**
 * Just enough of a Jupyter client for the tests: the REST API for sessions and kernelspecs, and
 * a kernel's websocket channels to run a cell, as the browser front ends do.
 *
 * The websocket is Node's own (global WebSocket: built in from Node 22, behind
 * --experimental-websocket on Node 20, which vitest's execArgv adds): no extra dependency.
 */
import { randomUUID } from "node:crypto";

/** What one cell printed and how it ended. */
export interface CellResult {
  status: string;
  stdout: string;
  stderr: string;
  /** text/plain of each execute_result and display_data. */
  results: string[];
}

interface Message {
  channel: string;
  msg_type: string;
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
}

/** The REST API of one server, authenticated with its token. */
export class JupyterRest {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async get<T>(path: string): Promise<T> {
    return this.call<T>("GET", path);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>("POST", path, body);
  }

  async delete(path: string): Promise<void> {
    await this.call("DELETE", path);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `token ${this.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    }
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** A session (what opening a notebook creates): its kernel starts in the notebook's folder. */
export interface SessionModel {
  id: string;
  kernel: { id: string; name: string };
}

/** A websocket to one kernel's channels. */
export class KernelChannels {
  private readonly session = randomUUID();
  private readonly listeners = new Set<(message: Message) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as Message;
      for (const listener of this.listeners) listener(message);
    });
  }

  /** Connects, then waits until the kernel answers kernel_info (it takes a few seconds to start). */
  static async open(
    rest: JupyterRest,
    kernelId: string,
    timeoutMs = 180_000,
  ): Promise<KernelChannels> {
    if (typeof WebSocket === "undefined") {
      throw new Error(
        "No global WebSocket: run on Node 22+, or Node 20 with --experimental-websocket",
      );
    }
    const url = `${rest.baseUrl.replace(/^http/, "ws")}/api/kernels/${kernelId}/channels?token=${rest.token}`;
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error(`websocket to ${url} failed`)), {
        once: true,
      });
    });
    const channels = new KernelChannels(socket);
    // Only the reply: a kernel need not announce "idle" after kernel_info.
    await channels.request("kernel_info_request", {}, timeoutMs, { waitForIdle: false });
    return channels;
  }

  /** Runs one cell; resolves when the kernel is idle again after it. */
  async execute(code: string, timeoutMs = 180_000): Promise<CellResult> {
    const result: CellResult = { status: "", stdout: "", stderr: "", results: [] };
    await this.request(
      "execute_request",
      {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
      },
      timeoutMs,
      {},
      (message) => {
        const content = message.content;
        if (message.msg_type === "stream") {
          result[content.name === "stderr" ? "stderr" : "stdout"] += String(content.text);
        } else if (message.msg_type === "execute_result" || message.msg_type === "display_data") {
          const data = content.data as Record<string, string>;
          result.results.push(data["text/plain"] ?? "");
        } else if (message.msg_type === "execute_reply") {
          result.status = String(content.status);
        }
      },
    );
    return result;
  }

  close(): void {
    this.socket.close();
  }

  /**
   * Sends a shell request; resolves once both its reply and the kernel's "idle" after it have
   * arrived (the iopub output of a cell comes before that idle).
   */
  private request(
    msgType: string,
    content: Record<string, unknown>,
    timeoutMs: number,
    { waitForIdle = true }: { waitForIdle?: boolean } = {},
    onMessage: (message: Message) => void = () => {},
  ): Promise<void> {
    const msgId = randomUUID();
    return new Promise((resolve, reject) => {
      let replied = false;
      let idle = !waitForIdle;
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new Error(`${msgType}: no reply and idle within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const listener = (message: Message) => {
        if (message.parent_header.msg_id !== msgId) return;
        onMessage(message);
        if (message.channel === "shell") replied = true;
        if (message.msg_type === "status" && message.content.execution_state === "idle")
          idle = true;
        if (replied && idle) finish();
      };
      this.listeners.add(listener);
      this.socket.send(
        JSON.stringify({
          header: {
            msg_id: msgId,
            msg_type: msgType,
            session: this.session,
            username: "test",
            version: "5.3",
            date: new Date().toISOString(),
          },
          parent_header: {},
          metadata: {},
          content,
          channel: "shell",
          buffers: [],
        }),
      );
    });
  }
}
