/** How a sequence diagram looks: its font, the width the layout assumes for it, its colours. */

export const FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
export const FONT_SIZE = 12;
/** Width of one character of FONT at FONT_SIZE, generously rounded up: used to size boxes. */
export const CHAR_WIDTH = 7.4;
export const COLOURS = {
  background: "#ffffff",
  text: "#1b1b1b",
  lane: "#8a8a8a",
  box: "#f2f2f2",
  toServer: "#1f5fbf",
  toClient: "#b0470b",
  fin: "#555555",
};

/** A white outline behind label text, so a label stays readable where it crosses a line. */
export const HALO = `paint-order="stroke" stroke="${COLOURS.background}" stroke-width="4" stroke-linejoin="round"`;
