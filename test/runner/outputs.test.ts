import { expect, test } from "vitest";
import type { Message } from "../../scripts/runner/messaging";
import { toOutputs } from "../../scripts/runner/outputs";

function iopub(msgType: string, content: Record<string, unknown>): Message {
  return {
    header: {
      msg_id: "m",
      msg_type: msgType,
      session: "s",
      username: "u",
      date: "",
      version: "5.3",
    },
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  };
}

test("toOutputs merges consecutive stream messages of one name and keeps stdout and stderr in order", () => {
  const outputs = toOutputs([
    iopub("stream", { name: "stdout", text: "first\n" }),
    iopub("stream", { name: "stdout", text: "second\n" }),
    iopub("stream", { name: "stderr", text: "warning\n" }),
    iopub("stream", { name: "stdout", text: "third\n" }),
    iopub("display_data", {
      data: { "text/html": "<b>x</b>" },
      metadata: {},
      transient: { display_id: "d" },
    }),
    iopub("update_display_data", {
      data: { "text/html": "<b>y</b>" },
      metadata: {},
      transient: { display_id: "d" },
    }),
  ]);
  expect(outputs).toEqual([
    { output_type: "stream", name: "stdout", text: "first\nsecond\n" },
    { output_type: "stream", name: "stderr", text: "warning\n" },
    { output_type: "stream", name: "stdout", text: "third\n" },
    { output_type: "display_data", data: { "text/html": "<b>y</b>" }, metadata: {} },
  ]);
});

test("toOutputs keeps only the last state of a line rewritten with \\r, as nbconvert stores it", () => {
  const outputs = toOutputs([
    iopub("stream", { name: "stdout", text: "sent 1 of 3\rsent 2 of 3\r" }),
    iopub("stream", { name: "stdout", text: "sent 3 of 3\nline\r\n" }),
  ]);
  expect(outputs).toEqual([
    { output_type: "stream", name: "stdout", text: "sent 3 of 3\nline\r\n" },
  ]);
});
