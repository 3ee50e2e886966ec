/** What `npm start` says when it finds no Jupyter: how to get one, and what works meanwhile. */

/**
 * The message, a few lines a newcomer can act on.
 */
export function noJupyterMessage(searchedDirs: string[]): string {
  const where = searchedDirs.length > 0 ? ` and in ${searchedDirs.join(", ")}` : "";
  return [
    `No Jupyter found: looked for jupyter-lab and jupyter-notebook on PATH${where}.`,
    "Install one of them, then run `npm start` again:",
    "  pip:            python3 -m pip install --user jupyterlab",
    "  conda:          conda install -c conda-forge jupyterlab",
    "  Debian/Ubuntu:  sudo apt install jupyter-notebook",
    "Meanwhile `npm run handouts` turns the lessons into HTML pages you can read in any browser.",
  ].join("\n");
}
