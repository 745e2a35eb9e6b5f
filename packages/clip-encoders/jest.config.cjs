/** Jest settings for @devprompt/clip-encoders; the shared parts live in jest.preset.cjs. */
const preset = require("../../jest.preset.cjs");

module.exports = {
  ...preset,
  displayName: "clip-encoders",
  rootDir: __dirname,
};
