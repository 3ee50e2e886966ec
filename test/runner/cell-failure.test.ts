import { expect, test } from "vitest";
import { CellFailure } from "../../scripts/runner/cell-failure";

test("a cell failure names the notebook, the cell, its first source lines and the error text", () => {
  const source = Array.from({ length: 12 }, (_, i) => `line${i + 1}();`).join("\n");
  const failure = new CellFailure({
    file: "notebooks/03_server_side.ipynb",
    cellNumber: 5,
    cellId: "l03-bind",
    source,
    kind: "error",
    detail: [
      "Error: boom",
      "    at evalmachine.<anonymous>:2:7",
      "    at Script.runInThisContext (node:vm:135:14)",
      "    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38)",
    ].join("\n"),
  });
  expect(failure.message.split("\n")).toEqual([
    'notebooks/03_server_side.ipynb, cell 5 (id "l03-bind"): the cell failed',
    "    1 | line1();",
    "    2 | line2();",
    "    3 | line3();",
    "    4 | line4();",
    "    5 | line5();",
    "    6 | line6();",
    "    7 | line7();",
    "    8 | line8();",
    "      | ... 4 more lines",
    "  Error: boom",
    "      at evalmachine.<anonymous>:2:7",
  ]);
  expect(failure).toMatchObject({ name: "CellFailure", code: "ERR_CELL_FAILED", cellNumber: 5 });
});
