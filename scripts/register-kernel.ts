/**
 * `npm run kernel:install` / `npm run kernel:uninstall`: registers (or removes) this project's
 * tslab kernel for Jupyter front ends started by hand, VS Code's notebook editor included.
 *
 * Usage: tsx scripts/register-kernel.ts install|uninstall [--name NAME] [--prefix DIR]
 *   default: the user's Jupyter data folder, name "sockets-course-tslab"
 *   --prefix DIR: DIR/share/jupyter/kernels instead (a conda env, a course image)
 */
import { parseArgs } from "node:util";

import { projectRoot } from "./jupyter/kernelspec";
import {
  ForeignKernelError,
  installKernel,
  uninstallKernel,
  userKernelJson,
  userKernelName,
} from "./jupyter/user-kernel";

const usage = `Usage: npm run kernel:install [-- --name NAME] [-- --prefix DIR]
       npm run kernel:uninstall [-- --name NAME] [-- --prefix DIR]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string", default: userKernelName },
    prefix: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
const action = positionals[0];
if (values.help || (action !== "install" && action !== "uninstall")) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
if (!/^[a-z0-9._-]+$/i.test(values.name)) {
  console.error(`Kernel names are letters, digits, ".", "_" and "-": "${values.name}" is not one.`);
  process.exit(2);
}
const location = { name: values.name, prefix: values.prefix };

try {
  if (action === "install") {
    const dir = installKernel(location);
    console.log(
      [
        `Installed the kernel "${values.name}" in ${dir}`,
        `It runs this project's tslab (${projectRoot}/node_modules/tslab) with ${process.execPath}:`,
        "run this again after moving the project or changing Node.",
        'Notebooks ask for a kernel named "tslab". Jupyter picks this one by itself when no',
        'kernel is named "tslab" and this is the only TypeScript kernel; otherwise (and in VS Code)',
        `choose "${userKernelJson(location).display_name}" in the kernel picker.`,
        "Undo: npm run kernel:uninstall",
      ].join("\n"),
    );
  } else {
    const dir = uninstallKernel(location);
    console.log(
      dir
        ? `Removed the kernel "${values.name}" from ${dir}`
        : `No kernel "${values.name}" to remove.`,
    );
  }
} catch (error) {
  if (!(error instanceof ForeignKernelError)) throw error;
  console.error(error.message);
  process.exit(1);
}
