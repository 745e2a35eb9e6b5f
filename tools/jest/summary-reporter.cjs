// Records one plain closing line, "tests: N passed, N failed, N skipped",
// that CI systems read without knowing Jest's own summary format. The line is
// printed here and saved, so `npm test` can repeat it as its very last line
// after the later lint and docs steps.
const fs = require("node:fs");
const path = require("node:path");

const SUMMARY_FILE = path.join(__dirname, "../../tmp/test-summary.txt");

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped`;
    fs.mkdirSync(path.dirname(SUMMARY_FILE), { recursive: true });
    fs.writeFileSync(SUMMARY_FILE, `${line}\n`);
    process.stdout.write(`\n${line}\n`);
  }
}

module.exports = SummaryReporter;
module.exports.SUMMARY_FILE = SUMMARY_FILE;
