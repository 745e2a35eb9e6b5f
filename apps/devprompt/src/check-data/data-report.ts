import type { ClassSummary } from "./class-summary";

/** Result of `check-data` for a dataset root. */
export interface DataReport {
  /** Dataset layout checked. */
  dataset: string;
  /** Absolute dataset root. */
  root: string;
  /** One summary per class checked. */
  classes: ClassSummary[];
  /** Benchmark classes whose folder is absent from the root. */
  missingClasses: string[];
  /** Total number of problems over all classes. */
  problemCount: number;
}

/**
 * Formats a report as plain text: one block per class with its counts,
 * shots, defect types, problems and notes, then a closing line.
 *
 * @param report - the report
 * @returns text ending with a newline
 */
export function formatDataReport(report: DataReport): string {
  const lines: string[] = [];

  for (const summary of report.classes) {
    lines.push(`${summary.className} (${report.dataset}, ${report.root})`);
    lines.push(`  train: ${summary.trainImages} images`);
    if (summary.shots.files.length > 0) {
      const seed =
        summary.shots.seed === null ? "" : `, seed ${summary.shots.seed}`;
      lines.push(
        `  ${summary.shots.k}-shot selection (${summary.shots.source}${seed}): ${summary.shots.files.join(", ")}`,
      );
    }
    lines.push(
      `  test: ${summary.testImages} images (${summary.normalTestImages} normal, ` +
        `${summary.anomalousTestImages} anomalous, ${summary.pairedMasks} with masks)`,
    );

    const width = Math.max(
      0,
      ...Object.keys(summary.defectTypes).map((t) => t.length),
    );
    for (const [type, count] of Object.entries(summary.defectTypes)) {
      lines.push(
        `    ${type.padEnd(width)}  ${String(count.images).padStart(4)} images  ${String(count.masks).padStart(4)} masks`,
      );
    }

    for (const warning of summary.warnings) lines.push(`  note: ${warning}`);
    if (summary.problems.length === 0) {
      lines.push("  problems: none");
    } else {
      lines.push(`  problems: ${summary.problems.length}`);
      for (const problem of summary.problems) {
        lines.push(`    ${problem.kind}: ${problem.message}`);
      }
    }
    lines.push("");
  }

  if (report.missingClasses.length > 0) {
    lines.push(
      `classes not present under ${report.root}: ${report.missingClasses.join(", ")}`,
    );
  }
  const classWord = report.classes.length === 1 ? "class" : "classes";
  lines.push(
    report.problemCount === 0
      ? `checked ${report.classes.length} ${classWord}: no problems found`
      : `checked ${report.classes.length} ${classWord}: ${report.problemCount} problem(s) found`,
  );
  return `${lines.join("\n")}\n`;
}
