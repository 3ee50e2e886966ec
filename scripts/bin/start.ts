/**
 * `npm start`: opens the course in Jupyter (JupyterLab or the Notebook, whichever is installed)
 * with this project's tslab kernel, on 127.0.0.1, and prints the address to open.
 *
 * Usage: npm start [-- --open] [-- --port 8890] [-- --notebook] [-- --notebook-dir DIR]
 */
import path from "node:path";
import { parseArgs } from "node:util";

import { defaultExtraDirs, findJupyter } from "../jupyter/find-jupyter";
import { noJupyterMessage } from "../jupyter/install-help";
import { projectRoot } from "../jupyter/kernelspec";
import { startJupyter } from "../jupyter/start";

const usage = `Usage: npm start [-- options]
  --open              open a browser tab too
  --port N            port on 127.0.0.1 (default 8888, or a free one if 8888 is taken)
  --notebook          prefer the Notebook interface over JupyterLab when both are installed
  --notebook-dir DIR  folder to open (default notebooks/)`;

const { values } = parseArgs({
  options: {
    open: { type: "boolean", default: false },
    port: { type: "string" },
    notebook: { type: "boolean", default: false },
    "notebook-dir": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
  console.error(`--port takes a port number from 0 to 65535, not "${values.port}".\n${usage}`);
  process.exit(2);
}

const jupyter = await findJupyter({ prefer: values.notebook ? "notebook" : "lab" });
if (!jupyter) {
  console.error(noJupyterMessage(defaultExtraDirs));
  process.exit(1);
}

const notebookDir = path.resolve(values["notebook-dir"] ?? path.join(projectRoot, "notebooks"));
console.log(`Starting ${jupyter.label} (${jupyter.command}) on ${notebookDir} ...`);
let server: Awaited<ReturnType<typeof startJupyter>>;
try {
  server = await startJupyter({ jupyter, notebookDir, port, open: values.open });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

console.log(
  [
    "",
    `The course is open in ${jupyter.label}. Open this address in a browser (it carries the login token):`,
    "",
    `    ${server.url}`,
    "",
    `Kernel: "TypeScript" (tslab from ${path.join(projectRoot, "node_modules", "tslab")}).`,
    "Press Ctrl-C here to stop the server and its kernels.",
    "",
  ].join("\n"),
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping Jupyter ...");
    void server.stop().then(() => process.exit(0));
  });
}
const exitCode = await server.exited;
if (!stopping) {
  // Exit code 0: shut down from the web page (File > Shut Down, or Quit).
  if (exitCode === 0) {
    console.log("Jupyter has shut down.");
    process.exit(0);
  }
  console.error(`Jupyter stopped unexpectedly (${exitCode}): see its messages above.`);
  process.exit(typeof exitCode === "number" ? exitCode : 1);
}
