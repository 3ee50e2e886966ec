/**
 * A cell's outputs from the kernel's iopub messages, as Jupyter stores them.
 */
import type { Notebook, Output } from "../notebook";
import type { Message } from "./messaging";

/** The kernelspec every lesson names, stored in each executed notebook. */
export const tslabKernelspec = {
  name: "tslab",
  display_name: "TypeScript",
  language: "typescript",
} as const;

/**
 * Turns a cell's iopub messages into the outputs Jupyter stores: consecutive stream messages of
 * the same name merged into one output and "\r" rewrites applied (as nbconvert does), display_data and
 * execute_result with their data and metadata, error as ename/evalue/traceback. Transient fields
 * (display_id) are not stored; update_display_data replaces the data of the output it names.
 */
export function toOutputs(messages: readonly Message[]): Output[] {
  const outputs: Output[] = [];
  const displays = new Map<string, Output[]>();
  for (const message of messages) {
    const content = message.content as Record<string, unknown>;
    const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
    switch (message.header.msg_type) {
      case "stream": {
        const name = content.name as "stdout" | "stderr";
        const text = String(content.text ?? "");
        const last = outputs.at(-1);
        if (last?.output_type === "stream" && last.name === name) {
          last.text = `${last.text}${text}`;
        } else {
          outputs.push({ output_type: "stream", name, text });
        }
        break;
      }
      case "display_data":
      case "execute_result": {
        const output: Output =
          message.header.msg_type === "display_data"
            ? {
                output_type: "display_data",
                data: (content.data as Record<string, unknown>) ?? {},
                metadata: (content.metadata as Record<string, unknown>) ?? {},
              }
            : {
                output_type: "execute_result",
                data: (content.data as Record<string, unknown>) ?? {},
                metadata: (content.metadata as Record<string, unknown>) ?? {},
                execution_count: null,
              };
        outputs.push(output);
        if (displayId) displays.set(displayId, [...(displays.get(displayId) ?? []), output]);
        break;
      }
      case "update_display_data": {
        for (const output of displayId ? (displays.get(displayId) ?? []) : []) {
          if (output.output_type === "display_data" || output.output_type === "execute_result") {
            output.data = (content.data as Record<string, unknown>) ?? {};
            output.metadata = (content.metadata as Record<string, unknown>) ?? {};
          }
        }
        break;
      }
      case "clear_output":
        outputs.length = 0;
        break;
      case "error":
        outputs.push({
          output_type: "error",
          ename: String(content.ename ?? ""),
          evalue: String(content.evalue ?? ""),
          traceback: (content.traceback as string[]) ?? [],
        });
        break;
    }
  }
  // nbconvert's coalesce_streams: a line rewritten with "\r" (a progress counter) keeps only what
  // a terminal would show last.
  for (const output of outputs) {
    if (output.output_type === "stream" && typeof output.text === "string") {
      output.text = output.text.replace(/[^\n]*\r(?=[^\n])/g, "");
    }
  }
  return outputs;
}

/** A copy of `nb` with every code cell's outputs cleared and execution_count null. */
export function clearOutputs(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((cell) =>
      cell.cell_type === "code" ? { ...cell, outputs: [], execution_count: null } : cell,
    ),
  };
}
