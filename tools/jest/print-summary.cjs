// Repeats the test summary saved by summary-reporter.cjs as the last line of
// `npm test`.
const fs = require("node:fs");
const { SUMMARY_FILE } = require("./summary-reporter.cjs");

process.stdout.write(fs.readFileSync(SUMMARY_FILE, "utf8"));
