/**
 * The two CSV files (RFC 4180: fields with a comma, a quote or a line break are quoted, quotes
 * doubled; lines end with "\n"). A text field that a spreadsheet would take for a formula
 * (starting with =, +, -, @) gets a leading "'": a student's error message must not become a
 * formula in the instructor's spreadsheet.
 */
import type { CheckStatus } from "./verdicts";

/** One row of grades.csv: one check of one exercise of one student's notebook. */
export interface GradeRow {
  student: string;
  notebook: string;
  exercise: string;
  check: string;
  points: number;
  max_points: number;
  status: CheckStatus;
  message: string;
}

/** grades.csv's header, exactly. */
export const gradesHeader = [
  "student",
  "notebook",
  "exercise",
  "check",
  "points",
  "max_points",
  "status",
  "message",
] as const;

/**
 * grades.csv's text.
 */
export function gradesCsv(rows: readonly GradeRow[]): string {
  return csv([[...gradesHeader], ...rows.map((row) => gradesHeader.map((key) => row[key]))]);
}

/**
 * summary.csv's text: per student, points and the most points for each notebook, then the total.
 */
export function summaryCsv(
  rows: readonly GradeRow[],
  notebooks: readonly string[],
  students: readonly string[],
): string {
  const header = [
    "student",
    ...notebooks.flatMap((name) => [`${name}_points`, `${name}_max`]),
    "total_points",
    "total_max",
  ];
  const lines = students.map((student) => {
    const mine = rows.filter((row) => row.student === student);
    const sums = notebooks.map((name) => {
      const of = mine.filter((row) => row.notebook === name);
      return [sum(of.map((row) => row.points)), sum(of.map((row) => row.max_points))];
    });
    return [
      student,
      ...sums.flat(),
      sum(sums.map(([points]) => points)),
      sum(sums.map(([, max]) => max)),
    ];
  });
  return csv([header, ...lines]);
}

/** Adds up points without binary fractions showing (0.1 + 0.2 prints as 0.3). */
export function sum(values: readonly number[]): number {
  return Math.round(values.reduce((a, b) => a + b, 0) * 1e6) / 1e6;
}

function csv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `${rows.map((row) => row.map(field).join(",")).join("\n")}\n`;
}

function field(value: string | number): string {
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
