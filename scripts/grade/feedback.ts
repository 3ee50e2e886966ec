/**
 * A student's feedback page for one notebook, through the handouts renderer: the points, then each
 * exercise with the student's code and one line per check (PASS, or FAIL with the check's message
 * and hint). Hidden checks are named, with their verdict and hint, never their code. Everything
 * the student wrote or printed is shown as code or output text (escaped), never as markdown.
 */
import type { Renderer } from "../handouts/export";
import { renderLesson } from "../handouts/export";
import type { Cell, Notebook, StreamOutput } from "../notebook";
import { sum } from "./csv";
import type { Lesson } from "./lesson";
import type { CheckStatus, Verdict } from "./verdicts";

/** What a page shows for one exercise. */
export interface ExerciseFeedback {
  title: string;
  /** The student's code, if the exercise's cell was found. */
  code?: string;
  verdicts: Array<Verdict & { hidden: boolean }>;
}

const statusWord: Record<CheckStatus, string> = {
  pass: "PASS",
  fail: "FAIL",
  error: "ERROR",
  timeout: "TIMEOUT",
  invalid: "NOT GRADED",
};

/**
 * The page for a notebook that was graded (in whole or in part).
 */
export function feedbackPage(
  renderer: Renderer,
  options: { student: string; lesson: Lesson; exercises: ExerciseFeedback[]; note?: string },
): string {
  const { student, lesson, exercises } = options;
  const all = exercises.flatMap((exercise) => exercise.verdicts);
  const cells: Cell[] = [
    markdown(
      `# Feedback: ${lesson.title}\n\n${name(student)}: **${sum(all.map((v) => v.points))} of ${sum(all.map((v) => v.check.points))} points**${options.note ? `\n\n${options.note}` : ""}`,
    ),
  ];
  for (const exercise of exercises) {
    const points = sum(exercise.verdicts.map((v) => v.points));
    const max = sum(exercise.verdicts.map((v) => v.check.points));
    cells.push(markdown(`## ${exercise.title}: ${points} of ${max} points`));
    const lines = exercise.verdicts.map((v) => {
      const label = `${statusWord[v.status]}${v.hidden ? " (hidden check)" : ""} ${v.check.description} (${v.points} of ${v.check.points})`;
      if (v.status === "pass") return { failed: false, text: label };
      // A hidden check's reason could give its test away: its hint says what to look at.
      const why = v.hidden ? (v.hint ? `hint: ${v.hint}` : "") : v.message;
      return { failed: true, text: why ? `${label}: ${why}` : label };
    });
    cells.push({
      cell_type: "code",
      metadata: {},
      source: exercise.code ?? "// (your code for this exercise was not found)",
      execution_count: null,
      outputs: streams(lines),
    });
  }
  return render(renderer, student, lesson.name, lesson.title, cells);
}

/**
 * The page for a notebook that could not be graded at all (not a notebook, not of this course).
 */
export function problemPage(
  renderer: Renderer,
  options: { student: string; notebook: string; title: string; problem: string },
): string {
  const cells: Cell[] = [
    markdown(
      `# Feedback: ${options.title.replace(/[\\`*_[\]<>#]/g, "\\$&")}\n\n${name(options.student)}: this notebook could not be graded.`,
    ),
    {
      cell_type: "code",
      metadata: {},
      source: "",
      execution_count: null,
      outputs: streams([{ failed: true, text: options.problem }]),
    },
  ];
  return render(renderer, options.student, options.notebook, options.title, cells);
}

function render(
  renderer: Renderer,
  student: string,
  notebook: string,
  title: string,
  cells: Cell[],
): string {
  const page: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
  return renderLesson(renderer, page, {
    file: `${student}/${notebook}.ipynb`,
    edition: "student",
    edited: page,
    title: `Feedback: ${title}`,
  });
}

function markdown(source: string): Cell {
  return { cell_type: "markdown", metadata: {}, source };
}

/** The student's name as markdown code: nothing in it can become markup. */
function name(student: string): string {
  return `Student \`${student.replace(/`/g, "'")}\``;
}

/** Lines as outputs: passing ones plain, the others as stderr (shown in the error colour). */
function streams(lines: Array<{ failed: boolean; text: string }>): StreamOutput[] {
  const outputs: Array<StreamOutput & { text: string }> = [];
  for (const line of lines) {
    const name = line.failed ? "stderr" : "stdout";
    const last = outputs.at(-1);
    if (last?.name === name) last.text += `${line.text}\n`;
    else outputs.push({ output_type: "stream", name, text: `${line.text}\n` });
  }
  return outputs;
}
