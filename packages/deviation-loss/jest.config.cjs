/** Jest settings for @devprompt/deviation-loss; the shared parts live in jest.preset.cjs. */
const preset = require("../../jest.preset.cjs");

module.exports = {
  ...preset,
  displayName: "deviation-loss",
  rootDir: __dirname,
  setupFiles: ["<rootDir>/test/support/setup.ts"],
};
