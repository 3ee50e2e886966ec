/**
 * The student edition of a notebook: exercise solutions taken out, as plan/notebooks.md defines.
 *
 * In an exercise cell the reference solution sits between the comment lines `// BEGIN SOLUTION`
 * and `// END SOLUTION` (nbgrader's convention). The student edition replaces those lines, markers
 * included, with `// YOUR CODE HERE` and a `throw` that says the exercise is not done, and clears
 * the outputs of solution cells and of their "check" cells (whose PASS lines came from the
 * reference solution). The instructor edition is the notebook as it is in the repository.
 */
import {
  type Cell,
  type CellLocation,
  type CodeCell,
  joinSource,
  type MultilineString,
  type Notebook,
  NotebookError,
} from "../notebook";

/** Which handouts to build: with exercise solutions (instructor) or without them (student). */
export type Edition = "instructor" | "student";

export const editions: readonly Edition[] = ["instructor", "student"];

/** What the student sees where the solution was (the indentation of the markers is kept). */
export const studentPlaceholder = [
  "// YOUR CODE HERE",
  'throw new Error("Exercise not done yet: write your code above");',
];

const beginMarker = /^\s*\/\/\s*BEGIN SOLUTION\b/;
const endMarker = /^\s*\/\/\s*END SOLUTION\b/;

/** Whether a cell holds a reference solution: tagged "solution" or containing the markers. */
export function isSolutionCell(cell: Cell): boolean {
  return (
    cell.cell_type === "code" &&
    (hasTag(cell, "solution") ||
      joinSource(cell.source)
        .split("\n")
        .some((line) => beginMarker.test(line)))
  );
}

/** Whether a cell checks an exercise (tagged "check"). */
export function isCheckCell(cell: Cell): boolean {
  return cell.cell_type === "code" && hasTag(cell, "check");
}

/**
 * Whether a cell is a hidden check (tagged "hidden-check"): run only by the grader
 * (`npm run grade`), left out of every student edition, as nbgrader's hidden tests are.
 */
export function isHiddenCheckCell(cell: Cell): boolean {
  return hasTag(cell, "hidden-check");
}

function hasTag(cell: Cell, tag: string): boolean {
  return Array.isArray(cell.metadata.tags) && cell.metadata.tags.includes(tag);
}

/**
 * Replaces every solution block of a cell's source with the student placeholder.
 *
 * @param where the file and cell to name if the markers do not pair up
 * @throws NotebookError (ERR_SOLUTION_MARKERS) for a BEGIN without END, an END without BEGIN,
 *   or a BEGIN inside a solution
 */
export function stripSolution(source: string, where: { file: string; cell: CellLocation }): string {
  const kept: string[] = [];
  let openedAt: number | undefined;
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fail = (problem: string): never => {
      throw new NotebookError(
        "ERR_SOLUTION_MARKERS",
        where.file,
        `line ${i + 1}: ${problem}`,
        where.cell,
      );
    };
    if (beginMarker.test(line)) {
      if (openedAt !== undefined) {
        fail(
          `"// BEGIN SOLUTION" inside the solution that begins on line ${openedAt + 1}: close it first with "// END SOLUTION"`,
        );
      }
      openedAt = i;
      const indent = /^\s*/.exec(line)?.[0] ?? "";
      kept.push(...studentPlaceholder.map((text) => indent + text));
    } else if (endMarker.test(line)) {
      if (openedAt === undefined) fail(`"// END SOLUTION" without a "// BEGIN SOLUTION" before it`);
      openedAt = undefined;
    } else if (openedAt === undefined) {
      kept.push(line);
    }
  }
  if (openedAt !== undefined) {
    throw new NotebookError(
      "ERR_SOLUTION_MARKERS",
      where.file,
      `line ${openedAt + 1}: "// BEGIN SOLUTION" is never closed: add "// END SOLUTION" after the solution`,
      where.cell,
    );
  }
  return kept.join("\n");
}

/**
 * Returns the student edition of a notebook (a new object; the input is not changed).
 *
 * @param file the notebook's path, named in errors
 * @throws NotebookError when a cell is tagged "solution" but has no markers (the student edition
 *   would give the solution away) or when markers do not pair up
 */
export function studentEdition(notebook: Notebook, file: string): Notebook {
  const cells = notebook.cells.flatMap((cell, i): Cell[] =>
    isHiddenCheckCell(cell) ? [] : [studentCell(cell, i)],
  );
  return { ...notebook, cells };

  function studentCell(cell: Cell, i: number): Cell {
    if (cell.cell_type !== "code") return cell;
    const where = { file, cell: { index: i + 1, id: cell.id } };
    const source = joinSource(cell.source);
    const hasMarkers = source
      .split("\n")
      .some((line) => beginMarker.test(line) || endMarker.test(line));
    if (hasTag(cell, "solution") && !hasMarkers) {
      throw new NotebookError(
        "ERR_SOLUTION_MARKERS",
        file,
        `is tagged "solution" but has no "// BEGIN SOLUTION" / "// END SOLUTION" lines: the student edition would give the solution away`,
        where.cell,
      );
    }
    if (hasMarkers) {
      return cleared({ ...cell, source: sameShape(stripSolution(source, where), cell.source) });
    }
    return isCheckCell(cell) ? cleared(cell) : cell;
  }
}

function cleared(cell: CodeCell): CodeCell {
  return { ...cell, outputs: [], execution_count: null };
}

/**
 * Keeps the way the notebook stored the text (one string, or a list of lines as Jupyter writes).
 */
function sameShape(text: string, original: MultilineString): MultilineString {
  if (typeof original === "string") return text;
  return text === "" ? [] : text.split(/(?<=\n)/);
}
