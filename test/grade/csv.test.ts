import { expect, test } from "vitest";
import { type GradeRow, gradesCsv, summaryCsv } from "../../scripts/grade/csv";

const row = (over: Partial<GradeRow>): GradeRow => ({
  student: "ada",
  notebook: "01_add",
  exercise: "ex1",
  check: "adds",
  points: 1,
  max_points: 1,
  status: "pass",
  message: "",
  ...over,
});

test("grades.csv has exactly the issue's header and quotes commas, quotes and line breaks", () => {
  const csv = gradesCsv([
    row({ status: "fail", points: 0, message: 'gave "5", not 4\nsee above' }),
  ]);
  expect(csv).toBe(
    'student,notebook,exercise,check,points,max_points,status,message\nada,01_add,ex1,adds,0,1,fail,"gave ""5"", not 4\nsee above"\n',
  );
});

test("a message that a spreadsheet would run as a formula is kept as text", () => {
  expect(gradesCsv([row({ message: "=HYPERLINK(1)" })]).split("\n")[1]).toBe(
    "ada,01_add,ex1,adds,1,1,pass,'=HYPERLINK(1)",
  );
});

test("summary.csv gives each student points and max per notebook and in total, without float noise", () => {
  const rows = [
    row({ points: 0.1, max_points: 0.1 }),
    row({ check: "b", points: 0.2, max_points: 0.2 }),
    row({ notebook: "02_x", points: 0, max_points: 2, status: "fail" }),
    row({ student: "ben", points: 0, status: "invalid" }),
  ];
  expect(summaryCsv(rows, ["01_add", "02_x"], ["ada", "ben"])).toBe(
    "student,01_add_points,01_add_max,02_x_points,02_x_max,total_points,total_max\nada,0.3,0.3,0,2,0.3,2.3\nben,0,1,0,0,0,1\n",
  );
});
