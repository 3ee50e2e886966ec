/**
 * `npm run kernel:install` / `npm run kernel:uninstall`: registers (or removes) this project's
 * tslab kernel for Jupyter front ends started by hand, VS Code's notebook editor included.
 *
 * Usage: tsx scripts/bin/register-kernel.ts install|uninstall [--name NAME] [--prefix DIR]
 *   default: the user's Jupyter data folder, name "sockets-course-tslab"
 *   --prefix DIR: DIR/share/jupyter/kernels instead (a conda env, a course image)
 */
import { parseArgs } from "node:util";

import { prepareKernel } from "../jupyter/kernelspec";
import {
  ForeignKernelError,
  installKernel,
  uninstallKernel,
  userKernelJson,
  userKernelName,
} from "../jupyter/user-kernel";

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

const again = values.name === userKernelName ? "" : ` -- --name ${values.name}`;
try {
  if (action === "install") {
    const dir = installKernel(location);
    const displayName = userKernelJson(location).display_name;
    console.log(`Installed the kernel "${displayName}" (${values.name}) in ${dir}`);
    console.log(
      `It runs this project's tslab with ${process.execPath}: run this again after moving the project or changing Node.`,
    );
    console.log(
      values.name === "tslab"
        ? 'Notebooks ask for a kernel named "tslab": Jupyter and VS Code take this one.'
        : 'Notebooks ask for a kernel named "tslab": where there is none, Jupyter picks this one if it is\n' +
            `the only TypeScript kernel; otherwise, and in VS Code, choose "${displayName}" in the kernel picker.`,
    );
    console.log(`Undo: npm run kernel:uninstall${again}`);
    const problem = prepareKernel();
    console.log(
      problem
        ? `The kernel's caches could not be made now (kernels will make them, starting slower): ${problem}`
        : "Made the kernel's caches (node_modules/.cache/tslab-kernel/): kernels start fast from the first.",
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
  if (action === "install") {
    console.error(
      `Choose another name with -- --name NAME, or remove that kernel yourself if it is not needed.`,
    );
  }
  process.exit(1);
}
