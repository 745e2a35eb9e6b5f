/** Jest settings for @devprompt/metrics; the shared parts live in jest.preset.cjs. */
const preset = require("../../jest.preset.cjs");

module.exports = {
  ...preset,
  displayName: "metrics",
  rootDir: __dirname,
};
