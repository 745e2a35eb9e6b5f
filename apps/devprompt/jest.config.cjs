/** Jest settings for @devprompt/devprompt; the shared parts live in jest.preset.cjs. */
const preset = require("../../jest.preset.cjs");

module.exports = {
  ...preset,
  displayName: "devprompt",
  rootDir: __dirname,
};
