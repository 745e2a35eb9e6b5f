/** Jest settings for @devprompt/datasets; the shared parts live in jest.preset.cjs. */
const preset = require("../../jest.preset.cjs");

module.exports = {
  ...preset,
  displayName: "datasets",
  rootDir: __dirname,
};
