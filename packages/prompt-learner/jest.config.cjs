/** Jest settings for @devprompt/prompt-learner; the shared parts live in jest.preset.cjs. */
const preset = require("../../jest.preset.cjs");

module.exports = {
  ...preset,
  displayName: "prompt-learner",
  rootDir: __dirname,
};
