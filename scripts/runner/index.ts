/**
 * Executing notebooks in the real tslab kernel from Node, without Python or Jupyter.
 *
 * connection.ts  the connection file: free loopback ports, a random key
 * messaging.ts   the Jupyter wire protocol: sign, serialize, parse
 * kernel.ts      a tslab kernel process: start (with a real readiness check), execute, shut down
 * outputs.ts     a cell's iopub messages as the outputs Jupyter stores (the file: ../notebook/)
 * output-check.ts  failures that show only in output text (background errors, FAIL lines)
 * cell-failure.ts  the error a failing cell produces
 * execute-notebook.ts  whole notebooks, one kernel each, several at once
 */

export { CellFailure, type CellFailureDetails, type FailureKind } from "./cell-failure";
export {
  type ConnectionFile,
  type ConnectionInfo,
  createConnectionInfo,
  freePorts,
  writeConnectionFile,
} from "./connection";
export {
  type ExecuteNotebookOptions,
  type ExecuteNotebooksOptions,
  executeNotebook,
  executeNotebooks,
  type NotebookRun,
  type RunOutcome,
} from "./execute-notebook";
export {
  defaultKernelArgv,
  type ExecuteOptions,
  type ExecuteResult,
  type Kernel,
  KernelError,
  type KernelInfo,
  type KernelOptions,
  type StrayMessage,
  startKernel,
  tslabCommand,
} from "./kernel";
export { createMessage, type Message, MessageError, parse, serialize, sign } from "./messaging";
export { type OutputProblem, outputProblems, type ProblemKind } from "./output-check";
export { clearOutputs, toOutputs, tslabKernelspec } from "./outputs";
